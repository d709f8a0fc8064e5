// SPDX-License-Identifier: MIT
// LibTorch's headers that the engine, its tests and benchmarks include,
// compiled once per build (LATENT_PCH): parsing them is most of the cost of
// every translation unit that includes them.
#pragma once
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/nn/functional.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>
#include <torch/script.h>
#include <torch/serialize.h>
#include <torch/types.h>
#include <torch/utils.h>
