// SPDX-License-Identifier: MIT
#include "datacommand.h"

#include "cliutil.h"

#include "atomicfile.h"
#include "data/dataset.h"
#include "error.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <iostream>

void DataCommand::add(CLI::App &app)
{
    command = app.add_subcommand("data", "describe a real dataset: format, splits, classes, sizes");
    command
        ->add_option(
            "source", source,
            "fashion-mnist, a folder (class folders of images, optionally under train/ "
            "val/ test/; CIFAR-10/100 batches, binary or Python; IDX files) or FORMAT:PATH with "
            "FORMAT idx, cifar10, cifar100 or folder")
        ->required();
    command->add_option("--grid", grid, "also write a PNG grid of samples, one row per class");
    command->add_option("--per-class", perClass, "images per row of the grid")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    command->add_option("--cell", cell, "pixels per grid image")
        ->check(CLI::Range(8, 512))
        ->capture_default_str();
    command->add_flag("--skip-unreadable", skipUnreadable,
                      "list images that cannot be decoded instead of stopping at the first");
}

int DataCommand::run()
{
    if (!command || !*command) return -1;
    cli::CountProgress counter;
    latent::DatasetOptions options;
    options.skipUnreadable = skipUnreadable;
    options.progress = [&](std::int64_t done, std::int64_t total) {
        counter("reading " + source, done, total);
        return true;
    };
    const latent::Dataset data = latent::openDataset(source, options);
    std::cout << latent::describe(data);
    if (!grid.empty()) {
        const latent::SampleGrid g = latent::sampleGrid(data, perClass, cell);
        cv::Mat rgb(g.height, g.width, CV_8UC3, const_cast<std::uint8_t *>(g.rgb.data())), bgr;
        cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
        std::vector<std::uint8_t> png;
        if (!cv::imencode(".png", bgr, png))
            throw latent::Error("cannot encode the sample grid as PNG");
        latent::writeFileAtomically(grid, std::string(png.begin(), png.end()));
        std::cout << "grid: " << grid << " (" << g.width << "x" << g.height << ")\n";
    }
    return 0;
}
