// SPDX-License-Identifier: MIT
#pragma once
// Real datasets from disk: an image folder, CIFAR-10/100 binary batches or
// IDX files, auto-detected or named, decoded once into ImageStores.

#include "imagestore.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace latent {

// A dataset source as the config, the CLI and the studio write it:
//   "fashion-mnist"   Debian's dataset-fashion-mnist
//   PATH              a folder, its format detected
//   FORMAT:PATH       FORMAT one of idx, cifar10, cifar100, folder
struct DataSource
{
    std::string format; // idx, cifar10, cifar100, folder
    std::string path;   // the folder
    bool fashionMnist = false;
};
DataSource parseDataSource(const std::string &source);
// `source` with its folder absolute and ~ expanded ("fashion-mnist" as it
// is): what a run folder records, so that it resumes from anywhere and the
// ranks of a cluster job, started elsewhere, read the same data.
std::string absoluteDataSource(const std::string &source);
// Whether `source` opens as an image folder (named so, or detected as
// neither IDX nor CIFAR): the only format whose stored size
// DatasetOptions::maxShorterSide changes.
bool isImageFolderSource(const std::string &source);

struct Dataset
{
    std::string source; // as given
    std::string format; // idx, cifar10, cifar100, folder
    std::string path;
    // One name per class, index = label. Empty for an unlabelled folder
    // (images directly inside, no class folders): usable for training only.
    std::vector<std::string> classNames;
    // val: the dataset's own validation split (a val/ folder beside train/
    // and test/), empty when it has none; the probes then carve one from train.
    ImageStore train, val, test;
    // True when the test split was carved from a folder without train/ and
    // test/ subfolders: every fifth image of each class, in name order.
    bool testCarved = false;
    // True when a split layout had a validation folder and no test folder:
    // that folder is the test split (ImageNet's train/ + val/, where val is
    // what papers report), and validation is carved from train.
    bool testFromValidationFolder = false;
    // How an image folder's splits were found, relative to `path`: the
    // folder read when it was nested in one of the same name (Kaggle's
    // archives), each split's folder (train, val, test; "" when absent or
    // not a split layout), and folders of unlabelled images to predict that
    // were left out (seg_pred/).
    struct FolderLayout
    {
        std::string top;
        std::string splits[3];
        std::vector<std::string> leftOut;
    } folderLayout;
    // "FILE: why" for each unreadable image left out (skipUnreadable).
    std::vector<std::string> skipped;
    // Images of a folder stored downscaled, to this shorter side
    // (DatasetOptions::maxShorterSide).
    std::int64_t downscaled = 0;
    int downscaledTo = 0;

    bool labelled() const { return !classNames.empty(); }
    int channels() const; // the largest of any split's images
    int minSide() const;  // the shortest image side over the splits (0: no images)
    int maxSide() const;  // the longest image side over the splits
};

// The shorter side image folders are stored at, at most (DatasetOptions):
// the largest encoder input (TrainConfig::resolution).
constexpr int kStoredShorterSide = 1024;

struct DatasetOptions
{
    bool skipUnreadable = false; // leave undecodable images out (listed in skipped)
    // Images whose shorter side is larger are stored downscaled to it (area
    // filter), so that a folder of photographs fits in memory (a 12 MP photo
    // decodes to 36 MB, 4.2 MB at 1024); 0: as they are.
    int maxShorterSide = kStoredShorterSide;
    int threads = 0; // decoding threads; 0: the machine's cores
    // Called with images decoded so far and the total; returning false
    // cancels (throws Cancelled). May be called from several threads, but
    // never concurrently.
    std::function<bool(std::int64_t done, std::int64_t total)> progress;
};

// Throws Error naming the file and what was expected when the source is not
// a dataset of the named or detected format, an image cannot be decoded
// (unless skipped), a class folder is empty or a folder holds no images.
Dataset openDataset(const std::string &source, const DatasetOptions &options = {});

// The probe and kNN need labels and at least two classes in train and test;
// `user` names who needs them in the message, and `needTest` false lets a
// dataset without test images pass (a report card measured on validation).
void requireProbeable(const Dataset &data, const std::string &user = "the linear probe and kNN",
                      bool needTest = true);

// What `latent-cli data` prints: format, splits, classes with counts, sizes.
std::string describe(const Dataset &data);

// Up to `perClass` images of each class of the train split in a grid
// (rows = classes), [rows, perClass] cells of `cell` pixels, as RGB bytes.
struct SampleGrid
{
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgb;
};
SampleGrid sampleGrid(const Dataset &data, int perClass, int cell);

} // namespace latent
