#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Export any PyTorch generator (an nn.Module) to Latent Studio's format:
a TorchScript file plus its JSON sidecar (docs/generator-format.md).

As a library:
    from export_generator import export_generator
    export_generator(G, "my-gen", latent_size=128, num_classes=0)

From the shell, with a factory function that returns the module:
    /usr/bin/python3 tools/export_generator.py --factory my_models.py:build \
        --state-dict weights.pth --latent-size 128 --out my-gen [--method trace]

The module must be callable as G(z) or G(z, y) with z [N, latent] float32 and
y [N] int64 class indices, and return images [N, C, H, W]. Wrap a model with
another interface (one-hot labels, a truncation argument, a dict output) in a
small nn.Module first; see docs/generator-format.md.

A diffusion denoiser (sidecar schema 2) is exported with export_denoiser(), or
from the shell with --kind diffusion --channels C --resolution R and its
schedule:
    /usr/bin/python3 tools/export_generator.py --kind diffusion --factory unet.py:build \
        --channels 1 --resolution 32 --num-classes 10 --null-class 10 --prediction eps \
        --timesteps 1000 --schedule '{"type": "linear", "beta_start": 1e-4, "beta_end": 0.02}' \
        --out my-ddpm
It must be callable as D(x_t, t) or D(x_t, t, y) (x_t [N, C, R, R] float32, t
[N] int64) and return its prediction with the shape of x_t. A diffusers UNet
takes another interface; wrap it:
    class Wrapped(torch.nn.Module):
        def __init__(self, unet):
            super().__init__()
            self.unet = unet
        def forward(self, x, t, y):
            return self.unet(x, t, class_labels=y, return_dict=False)[0]
"""
import argparse
import importlib
import importlib.util
import json
import math
import numbers
import os
import sys

import torch


def _probe_inputs(latent_size, num_classes, batch=4, seed=0):
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(batch, latent_size, generator=gen)
    if num_classes:
        return (z, torch.arange(batch, dtype=torch.int64) % num_classes)
    return (z,)


def _infer_range(out):
    lo, hi = out.min().item(), out.max().item()
    if lo >= -1e-3 and hi <= 1.001:
        return [0.0, 1.0]
    if lo >= -1.001 and hi <= 1.001:
        return [-1.0, 1.0]
    raise ValueError(f"output values lie in [{lo:.4g}, {hi:.4g}]; pass output_range explicitly")


def _save(compiled, sidecar, out_base):
    """Writes out_base.pt and out_base.json, each to a temporary file renamed into place."""
    compiled.save(out_base + ".pt.tmp")
    os.replace(out_base + ".pt.tmp", out_base + ".pt")
    with open(out_base + ".json.tmp", "w") as f:
        json.dump(sidecar, f, indent=2)
        f.write("\n")
    os.replace(out_base + ".json.tmp", out_base + ".json")


def export_generator(module, out_base, *, latent_size, num_classes=0, name=None, method="script",
                     output_range=None, class_names=None):
    """Validates `module`, writes out_base.pt and out_base.json, returns the sidecar dict."""
    if method not in ("script", "trace"):
        raise ValueError(f"method is {method!r}, expected 'script' or 'trace'")
    module = module.eval()
    for p in module.parameters():
        p.requires_grad_(False)
    inputs = _probe_inputs(latent_size, num_classes)
    with torch.no_grad():
        out = module(*inputs)
    if not isinstance(out, torch.Tensor):
        raise ValueError(f"the module returned {type(out).__name__}, expected a tensor [N, C, H, W]")
    if out.dim() != 4 or out.shape[2] != out.shape[3] or out.shape[0] != inputs[0].shape[0]:
        raise ValueError(f"the module returned shape {list(out.shape)}, expected square images [4, C, H, H]")
    if out.shape[1] not in (1, 3):
        raise ValueError(f"the module returned {out.shape[1]} channels, expected 1 or 3")
    if not torch.isfinite(out).all():
        raise ValueError("the module returned NaN or Inf values")
    output_range = list(output_range) if output_range else _infer_range(out)

    with torch.no_grad():
        compiled = torch.jit.trace(module, inputs) if method == "trace" else torch.jit.script(module)
        again = compiled(*_probe_inputs(latent_size, num_classes, batch=3, seed=1))
        expected = module(*_probe_inputs(latent_size, num_classes, batch=3, seed=1))
    if not torch.allclose(again, expected, atol=1e-5):
        raise ValueError(f"the {method}d module disagrees with the original on a new batch; "
                         "try the other method")

    sidecar = {
        "schema_version": 1,
        "name": name or os.path.basename(out_base),
        "latent_size": int(latent_size),
        "num_classes": int(num_classes),
        "channels": int(out.shape[1]),
        "resolution": int(out.shape[2]),
        "output_range": [float(v) for v in output_range],
        "call": "z,y" if num_classes else "z",
    }
    if class_names:
        if len(class_names) != num_classes:
            raise ValueError(f"{len(class_names)} class names for {num_classes} classes")
        sidecar["class_names"] = list(class_names)
    _save(compiled, sidecar, out_base)
    return sidecar


_MAX_TIMESTEPS = 100000  # core/generators/generatorinfo.cpp kMaxTimesteps
_MAX_RESOLUTION = 4096  # generatorinfo.h kMaxResolution
_MAX_DIFFUSION_LATENT = 3 * 512 * 512  # generatorinfo.h kMaxDiffusionLatentSize


def _is_number(v):
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _is_integer(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _check_diffusion_sidecar(channels, resolution, timesteps, schedule, output_range):
    """Refuses, naming the sidecar field, what the studio's loader
    (core/generators/generatorinfo.cpp) would refuse, before anything is written."""
    if channels not in (1, 3):
        raise ValueError(f"channels is {channels}, expected 1 or 3")
    if not _is_integer(resolution) or not 4 <= resolution <= _MAX_RESOLUTION:
        raise ValueError(f"resolution is {resolution!r}, expected an integer from 4 to "
                         f"{_MAX_RESOLUTION} pixels per side")
    if channels * resolution * resolution > _MAX_DIFFUSION_LATENT:
        raise ValueError(f"resolution {resolution} gives a starting noise of "
                         f"{channels * resolution * resolution} values, more than "
                         f"{_MAX_DIFFUSION_LATENT} (3 x 512 x 512)")
    if not _is_integer(timesteps) or not 2 <= timesteps <= _MAX_TIMESTEPS:
        raise ValueError(f"diffusion.timesteps is {timesteps!r}, expected an integer from 2 to "
                         f"{_MAX_TIMESTEPS} (the training timesteps)")
    lo_hi = list(output_range)
    if (len(lo_hi) != 2 or not all(_is_number(v) and math.isfinite(v) for v in lo_hi)
            or not lo_hi[0] < lo_hi[1]):
        raise ValueError(f"output_range is {lo_hi}, expected [min, max] finite numbers with min < max")
    if not isinstance(schedule, dict) or "type" not in schedule:
        raise ValueError(f"diffusion.schedule is {schedule!r}, expected an object with a type")
    kind = schedule["type"]
    allowed = {"linear": {"type", "beta_start", "beta_end"},
               "scaled_linear": {"type", "beta_start", "beta_end"},
               "cosine": {"type", "s"}, "alphas_cumprod": {"type", "values"}}
    if kind not in allowed:
        raise ValueError(f"diffusion.schedule.type is {kind!r}, expected one of "
                         f"{sorted(allowed)}")
    extra = sorted(set(schedule) - allowed[kind])
    if extra:
        raise ValueError(f"diffusion.schedule has {extra}; a {kind} schedule takes only "
                         f"{sorted(allowed[kind] - {'type'})}")
    if kind in ("linear", "scaled_linear"):
        for field, top in (("beta_start", 0.5), ("beta_end", 0.999)):
            v = schedule.get(field)
            if not _is_number(v) or not 1e-8 <= v <= top:
                raise ValueError(f"diffusion.schedule.{field} is {v!r}, expected a number from "
                                 f"1e-8 to {top}")
        if not schedule["beta_start"] < schedule["beta_end"]:
            raise ValueError("diffusion.schedule.beta_end is not above beta_start, expected "
                             "beta_start < beta_end")
    elif kind == "cosine":
        v = schedule.get("s", 0.008)
        if not _is_number(v) or not 0 <= v <= 1:
            raise ValueError(f"diffusion.schedule.s is {v!r}, expected a number from 0 to 1")
    else:
        values = schedule.get("values")
        if not isinstance(values, (list, tuple)) or len(values) != timesteps:
            raise ValueError(f"diffusion.schedule.values must be a list of {timesteps} numbers "
                             "(timesteps)")
        previous = 1.0
        for i, v in enumerate(values):
            if not _is_number(v) or not 0 < v < previous:
                raise ValueError(f"diffusion.schedule.values holds {v!r} at index {i}, expected "
                                 "values in (0, 1) that decrease with t")
            previous = v


def export_denoiser(module, out_base, *, channels, resolution, num_classes=0, prediction="eps",
                    timesteps=1000, schedule=None, null_class=None, sampler=None,
                    output_range=(-1.0, 1.0), name=None, method="script", class_names=None):
    """Validates a diffusion denoiser D(x_t, t[, y]), writes out_base.pt and out_base.json
    (sidecar schema 2, "kind": "diffusion"), returns the sidecar dict."""
    if null_class is not None and not num_classes:
        raise ValueError(f"null_class {null_class} is set but the model is unconditional "
                         "(num_classes 0)")
    if null_class is not None and int(null_class) != int(num_classes):
        raise ValueError(f"null_class {null_class}: expected num_classes ({num_classes}); "
                         "num_classes counts the real classes and the null class comes after them")
    schedule = schedule or {"type": "linear", "beta_start": 1e-4, "beta_end": 0.02}
    _check_diffusion_sidecar(channels, resolution, timesteps, schedule, output_range)
    # The sampler's defaults, checked as the studio's loader checks them.
    sampler = dict(sampler or {})
    unknown = sorted(set(sampler) - {"steps", "guidance", "eta"})
    if unknown:
        raise ValueError(f"sampler has {unknown}; expected only steps, guidance and eta")
    if not _is_integer(sampler.get("steps", 1)):
        raise ValueError(f"sampler steps {sampler['steps']!r}: expected an integer")
    if not 1 <= int(sampler.get("steps", 1)) <= int(timesteps):
        raise ValueError(f"sampler steps {sampler['steps']}: expected 1 to timesteps ({timesteps})")
    if not 0 <= float(sampler.get("guidance", 1)) <= 100:
        raise ValueError(f"sampler guidance {sampler['guidance']}: expected 0 to 100")
    if float(sampler.get("guidance", 1)) != 1 and null_class is None:
        raise ValueError(f"sampler guidance {sampler['guidance']} needs null_class: "
                         "classifier-free guidance calls the model with the class meaning none")
    if not 0 <= float(sampler.get("eta", 0)) <= 1:
        raise ValueError(f"sampler eta {sampler['eta']}: expected 0 to 1")
    if method not in ("script", "trace"):
        raise ValueError(f"method is {method!r}, expected 'script' or 'trace'")
    if prediction not in ("eps", "v", "x0"):
        raise ValueError(f"prediction is {prediction!r}, expected 'eps', 'v' or 'x0'")
    module = module.eval()
    for p in module.parameters():
        p.requires_grad_(False)

    def probe(batch, seed):
        gen = torch.Generator().manual_seed(seed)
        x = torch.randn(batch, channels, resolution, resolution, generator=gen)
        t = torch.randint(0, timesteps, (batch,), generator=gen)
        if num_classes:
            return (x, t, torch.arange(batch, dtype=torch.int64) % num_classes)
        return (x, t)

    inputs = probe(4, 0)
    with torch.no_grad():
        out = module(*inputs)
    if not isinstance(out, torch.Tensor):
        raise ValueError(f"the denoiser returned {type(out).__name__}, expected a tensor")
    if tuple(out.shape) != tuple(inputs[0].shape):
        raise ValueError(f"the denoiser returned shape {list(out.shape)} for x_t "
                         f"{list(inputs[0].shape)}, expected the same shape")
    if not torch.isfinite(out).all():
        raise ValueError("the denoiser returned NaN or Inf values")
    if null_class is not None:
        # Guidance calls the model with y = null_class: an embedding without
        # that slot fails here, not at the first guided sample.
        x, t, _ = inputs
        try:
            with torch.no_grad():
                unconditional = module(x, t, torch.full_like(t, int(null_class)))
        except Exception as e:
            raise ValueError(f"the denoiser fails on y = null_class ({null_class}): {e}; its class "
                             f"embedding needs num_classes + 1 entries") from e
        if tuple(unconditional.shape) != tuple(x.shape) or not torch.isfinite(unconditional).all():
            raise ValueError(f"the denoiser on y = null_class ({null_class}) returned shape "
                             f"{list(unconditional.shape)} or non-finite values; expected "
                             f"{list(x.shape)}, finite")
    with torch.no_grad():
        compiled = torch.jit.trace(module, inputs) if method == "trace" else torch.jit.script(module)
        again, expected = compiled(*probe(3, 1)), module(*probe(3, 1))
    if not torch.allclose(again, expected, atol=1e-5):
        raise ValueError(f"the {method}d denoiser disagrees with the original on a new batch; "
                         "try the other method")
    diffusion = {"prediction": prediction, "timesteps": int(timesteps), "schedule": schedule}
    if null_class is not None:
        diffusion["null_class"] = int(null_class)
    if sampler:
        diffusion["sampler"] = dict(sampler)
    sidecar = {
        "schema_version": 2,
        "kind": "diffusion",
        "name": name or os.path.basename(out_base),
        "num_classes": int(num_classes),
        "channels": int(channels),
        "resolution": int(resolution),
        "output_range": [float(v) for v in output_range],
        "call": "x,t,y" if num_classes else "x,t",
        "diffusion": diffusion,
    }
    if class_names:
        if len(class_names) != num_classes:
            raise ValueError(f"{len(class_names)} class names for {num_classes} classes")
        sidecar["class_names"] = list(class_names)
    _save(compiled, sidecar, out_base)
    return sidecar


def _load_factory(spec):
    target, _, func = spec.rpartition(":")
    if not target or not func:
        raise SystemExit(f"--factory {spec!r}: expected FILE.py:FUNCTION or package.module:FUNCTION")
    if target.endswith(".py"):
        mod_spec = importlib.util.spec_from_file_location("user_generator", target)
        mod = importlib.util.module_from_spec(mod_spec)
        mod_spec.loader.exec_module(mod)
    else:
        mod = importlib.import_module(target)
    return getattr(mod, func)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--factory", required=True, help="FILE.py:FUNCTION returning the nn.Module")
    ap.add_argument("--factory-args", default="{}", help="JSON object of keyword arguments")
    ap.add_argument("--state-dict", help="weights to load into the module (torch.save of a state_dict)")
    ap.add_argument("--kind", choices=("gan", "diffusion"), default="gan")
    ap.add_argument("--latent-size", type=int, help="GANs: the size of z")
    ap.add_argument("--channels", type=int, help="diffusion: image channels (1 or 3)")
    ap.add_argument("--resolution", type=int, help="diffusion: pixels per side")
    ap.add_argument("--prediction", choices=("eps", "v", "x0"), default="eps")
    ap.add_argument("--timesteps", type=int, default=1000)
    ap.add_argument("--schedule", help="diffusion: the schedule as JSON (docs/generator-format.md)")
    ap.add_argument("--null-class", type=int, help="diffusion: the class index for no class")
    ap.add_argument("--sampler", help='diffusion: sampler defaults as JSON, e.g. {"steps": 25}')
    ap.add_argument("--num-classes", type=int, default=0)
    ap.add_argument("--class-names", help="comma-separated class names")
    ap.add_argument("--name")
    ap.add_argument("--method", choices=("script", "trace"), default="script")
    ap.add_argument("--output-range", type=float, nargs=2, metavar=("MIN", "MAX"))
    ap.add_argument("--out", required=True, help="output base name (writes OUT.pt and OUT.json)")
    args = ap.parse_args(argv)
    module = _load_factory(args.factory)(**json.loads(args.factory_args))
    if args.state_dict:
        module.load_state_dict(torch.load(args.state_dict, map_location="cpu"))
    class_names = args.class_names.split(",") if args.class_names else None
    try:
        if args.kind == "diffusion":
            if not args.channels or not args.resolution:
                raise ValueError("--kind diffusion needs --channels and --resolution")
            sidecar = export_denoiser(
                module, args.out, channels=args.channels, resolution=args.resolution,
                num_classes=args.num_classes, prediction=args.prediction,
                timesteps=args.timesteps,
                schedule=json.loads(args.schedule) if args.schedule else None,
                null_class=args.null_class,
                sampler=json.loads(args.sampler) if args.sampler else None,
                output_range=args.output_range or (-1.0, 1.0), name=args.name,
                method=args.method, class_names=class_names)
            print(f"wrote {args.out}.pt and {args.out}.json: {json.dumps(sidecar)}")
            return 0
        if not args.latent_size:
            raise ValueError("--latent-size is required for a GAN")
        sidecar = export_generator(module, args.out, latent_size=args.latent_size,
                                   num_classes=args.num_classes, name=args.name, method=args.method,
                                   output_range=args.output_range, class_names=class_names)
    except ValueError as e:
        print(f"export_generator: error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}.pt and {args.out}.json: {json.dumps(sidecar)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
