// SPDX-License-Identifier: MIT
// Real datasets: image folders, CIFAR-10/100 batches and IDX through one
// reader; per-batch shaping; every bad folder with its message; and colour
// end to end (an RGB generator made here, probed on an RGB image folder and
// on CIFAR-format files).
#include "atomicfile.h"
#include "data/dataset.h"
#include "error.h"
#include "eval/evaluation.h"
#include "generators/generator.h"
#include "generators/generatorinfo.h"
#include "runtime.h"
#include "smalldataset.h"
#include "train/trainer.h"
#include "views/directions.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/imgcodecs.hpp>
#include <torch/script.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <filesystem>

using namespace latent;
namespace fs = std::filesystem;

namespace {

QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return QString::fromStdString(e.what());
    }
    return "(no error)";
}

// A PNG (or another format by suffix) of `h` x `w` whose pixels are a
// function of `seed`: class c images are dominated by colour channel c % 3.
void writeImage(const std::string &path, int h, int w, int cls, int seed, int channels = 3)
{
    fs::create_directories(fs::path(path).parent_path());
    cv::Mat m(h, w, CV_8UC(channels));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < channels; ++c) {
                // BGR on disk: channel 2 - k holds RGB channel k.
                const int rgb = channels == 3 ? 2 - c : 0;
                const int base = rgb == cls % 3 ? 200 : 30;
                m.ptr<std::uint8_t>(y)[x * channels + c] =
                    std::uint8_t(base + (x * 7 + y * 3 + seed * 11) % 40);
            }
    QVERIFY(cv::imwrite(path, m));
}

// classes x perClass RGB images of mixed sizes under `dir`/CLASS/.
void writeClassFolder(const std::string &dir, const std::vector<std::string> &classes, int perClass)
{
    for (std::size_t c = 0; c < classes.size(); ++c)
        for (int i = 0; i < perClass; ++i) {
            const int h = 24 + (i % 3) * 8, w = 32 + (i % 2) * 8; // 24..40 x 32..40
            writeImage(dir + "/" + classes[c] + "/img" + std::to_string(100 + i) + ".png", h, w,
                       int(c), i);
        }
}

// CIFAR's R, G, B planes of image i: pixel (y, x) of channel k is
// (i + k * 50 + y + x) % 256.
std::string cifarPlanes(int i)
{
    std::string planes;
    for (int k = 0; k < 3; ++k)
        for (int y = 0; y < 32; ++y)
            for (int x = 0; x < 32; ++x)
                planes.push_back(char((i + k * 50 + y + x) % 256));
    return planes;
}

// A CIFAR binary batch: n records of label byte(s) + R, G, B planes.
void writeCifar(const std::string &path, int n, int labelBytes, int numClasses)
{
    std::string bytes;
    for (int i = 0; i < n; ++i) {
        for (int b = 0; b < labelBytes; ++b)
            bytes.push_back(char(b == labelBytes - 1 ? i % numClasses : (i % numClasses) / 5));
        bytes += cifarPlanes(i);
    }
    writeFileAtomically(path, bytes);
}

// The bytes Python 2's cPickle wrote for CIFAR's Python version (protocol 2,
// str as SHORT_BINSTRING / BINSTRING, NumPy's array through _reconstruct),
// the files torchvision downloads today.
struct Py2Pickle
{
    std::string bytes{'\x80', '\x02'};

    void op(std::initializer_list<int> codes)
    {
        for (int c : codes)
            bytes.push_back(char(c));
    }
    void little(std::uint64_t v, int n)
    {
        for (int i = 0; i < n; ++i)
            bytes.push_back(char((v >> (8 * i)) & 0xFF));
    }
    void integer(int v)
    {
        op({v < 256 ? 'K' : 'M'});
        little(std::uint64_t(v), v < 256 ? 1 : 2);
    }
    void str(const std::string &s)
    {
        if (s.size() < 256) {
            op({'U', int(s.size())});
        } else {
            op({'T'});
            little(s.size(), 4);
        }
        bytes += s;
    }
    void global(const std::string &module, const std::string &name)
    {
        bytes += "c" + module + "\n" + name + "\n";
    }
    // numpy.ndarray uint8 of `shape` holding `raw`.
    void uint8Array(const std::vector<int> &shape, const std::string &raw)
    {
        global("numpy.core.multiarray", "_reconstruct");
        global("numpy", "ndarray");
        integer(0);
        op({0x85});
        str("b");
        op({0x87, 'R', '(', 'K', 1, '('});
        for (int d : shape)
            integer(d);
        op({'t'});
        global("numpy", "dtype");
        str("u1");
        op({'K', 0, 'K', 1, 0x87, 'R', '(', 'K', 3});
        str("|");
        op({'N', 'N', 'N', 'J', 0xFF, 0xFF, 0xFF, 0xFF, 'J', 0xFF, 0xFF, 0xFF, 0xFF, 'K', 0, 't',
            'b', 0x89});
        str(raw);
        op({'t', 'b'});
    }
};

// A CIFAR Python batch: {'batch_label', 'labels' (or CIFAR-100's
// 'fine_labels' and 'coarse_labels'), 'data': uint8 [n, 3072]}, the same
// images as writeCifar; `labelCount` < n makes a damaged file.
void writeCifarPickle(const std::string &path, int n, int numClasses, int labelCount = -1)
{
    Py2Pickle p;
    p.op({'}', '('});
    p.str("batch_label");
    p.str("training batch 1 of 1");
    for (const char *key : numClasses == 10
                               ? std::vector<const char *>{"labels"}
                               : std::vector<const char *>{"fine_labels", "coarse_labels"}) {
        p.str(key);
        p.op({']', '('});
        for (int i = 0; i < (labelCount < 0 ? n : labelCount); ++i)
            p.integer(key == std::string("coarse_labels") ? (i % numClasses) / 5 : i % numClasses);
        p.op({'e'});
    }
    std::string raw;
    for (int i = 0; i < n; ++i)
        raw += cifarPlanes(i);
    p.str("data");
    p.uint8Array({n, 3072}, raw);
    p.op({'u', '.'});
    writeFileAtomically(path, p.bytes);
}

// A meta pickle: {key: [names]}.
void writeNamesPickle(const std::string &path, const char *key,
                      const std::vector<std::string> &names)
{
    Py2Pickle p;
    p.op({'}', '('});
    p.str(key);
    p.op({']', '('});
    for (const std::string &name : names)
        p.str(name);
    p.op({'e', 'u', '.'});
    writeFileAtomically(path, p.bytes);
}

// A tiny unconditional RGB generator (TorchScript, no Python): 8 latents
// -> a colour tint plus a latent-dependent pattern, [N, 3, 32, 32] in [-1, 1].
std::string writeRgbGenerator(const std::string &dir)
{
    torch::jit::Module m("TinyRgb");
    torch::manual_seed(3);
    m.register_parameter("weight", torch::randn({8, 3 * 32 * 32}) * 0.5, false);
    m.define(R"(
def forward(self, z):
    return torch.tanh(torch.matmul(z, self.weight)).view(-1, 3, 32, 32)
)");
    const std::string pt = dir + "/tiny-rgb.pt";
    m.save(pt);
    writeFileAtomically(dir + "/tiny-rgb.json",
                        R"({"schema_version": 1, "name": "tiny RGB", "latent_size": 8,
"num_classes": 0, "channels": 3, "resolution": 32, "output_range": [-1, 1], "call": "z",
"real_data": "rgb-eval"})");
    return pt;
}

TrainConfig tinyRun(const std::string &generator, const std::string &eval)
{
    TrainConfig c;
    c.generator = generator;
    c.evalData = eval;
    c.batch = 8;
    c.steps = 3;
    c.warmupSteps = 1;
    c.probeEvery = 2;
    c.probeTrain = 20;
    c.probeValidation = 10;
    c.checkpointEvery = 2;
    c.precision = "fp32";
    return c;
}

} // namespace

class TestData : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    std::string path(const std::string &name) const
    {
        return m_dir.filePath(QString::fromStdString(name)).toStdString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime();
        QVERIFY(m_dir.isValid());
    }

    void classFolderIsReadAndCarved()
    {
        const std::string dir = path("flowers");
        writeClassFolder(dir, {"daisy", "rose", "tulip"}, 10);
        writeImage(dir + "/rose/nested/deep.jpg", 30, 30, 1, 99); // nested folders count
        writeFileAtomically(dir + "/rose/notes.txt", "not an image, ignored");
        // Scanners' and microscopes' TIFFs and netpbm files are images too.
        writeImage(dir + "/daisy/scan.TIFF", 30, 30, 0, 98);
        writeImage(dir + "/tulip/plate.tif", 30, 30, 2, 97);
        writeImage(dir + "/tulip/grey.pgm", 30, 30, 2, 96, 1);
        // A floating-point TIFF in [0, 1]: mid grey, not black.
        QVERIFY(
            cv::imwrite(dir + "/tulip/zz-float.tif", cv::Mat(30, 30, CV_32FC1, cv::Scalar(0.5))));
        std::int64_t lastDone = 0, lastTotal = 0;
        bool backwards = false;
        DatasetOptions options;
        options.threads = 2;
        options.progress = [&](std::int64_t done, std::int64_t total) {
            backwards = backwards || done < lastDone;
            lastDone = done;
            lastTotal = total;
            return true;
        };
        const Dataset d = openDataset(dir, options);
        QCOMPARE(d.format, std::string("folder"));
        QCOMPARE(d.classNames, (std::vector<std::string>{"daisy", "rose", "tulip"}));
        QVERIFY(!backwards);
        QCOMPARE(lastDone, 35);
        QCOMPARE(lastTotal, 35);
        // Every fifth image of each class (name order) is the test split.
        QVERIFY(d.testCarved);
        QCOMPARE(d.train.size() + d.test.size(), 35);
        QCOMPARE(d.test.size(), 2 + 2 + 2);
        QCOMPARE(d.channels(), 3);
        QCOMPARE(d.train.minSide(), 24);
        QCOMPARE(d.train.maxSide(), 40);
        const int last = int(d.train.size()) - 1; // zz-float.tif
        QCOMPARE(d.train.entry(last).channels, 1);
        QVERIFY(std::abs(int(d.train.pixels(last)[0]) - 128) <= 1);
        // Labels follow the sorted class folders; pixels are RGB (not OpenCV's BGR).
        const ImageStore::Entry &e = d.train.entry(0);
        QCOMPARE(d.train.labels()[0], 0);
        QCOMPARE(e.channels, 3);
        QVERIFY(d.train.pixels(0)[0] >= 200 && d.train.pixels(0)[2] < 100); // red-dominated class 0
        const QString text = QString::fromStdString(describe(d));
        QVERIFY2(text.contains("classes: 3") && text.contains("1 rose: train 9 test 2") &&
                     text.contains("0 daisy: train 9 test 2") &&
                     text.contains("2 tulip: train 11 test 2") &&
                     text.contains("sides 24 to 40 pixels") &&
                     text.contains("every fifth image of each class"),
                 qPrintable(text));
        requireProbeable(d);
        const SampleGrid g = sampleGrid(d, 4, 16);
        QCOMPARE(g.width, 64);
        QCOMPARE(g.height, 48);
    }

    void splitFoldersAreUsed()
    {
        const std::string dir = path("splits");
        writeClassFolder(dir + "/train", {"a", "b"}, 4);
        writeClassFolder(dir + "/val", {"a", "b"}, 2);
        writeClassFolder(dir + "/test", {"a", "b"}, 3);
        const Dataset d = openDataset(dir);
        QCOMPARE(d.train.size(), 8);
        QCOMPARE(d.val.size(), 4);
        QCOMPARE(d.test.size(), 6);
        QVERIFY(!d.testCarved && !d.testFromValidationFolder);
        // Roboflow's valid/, and a folder beside the splits (STL-10's
        // unlabeled/): still the split layout, since train/ holds classes.
        // Without a test folder, the validation folder is the test split
        // (ImageNet's train/ + val/); nothing is carved from train.
        const std::string roboflow = path("roboflow");
        writeClassFolder(roboflow + "/train", {"a", "b"}, 4);
        writeClassFolder(roboflow + "/valid", {"a", "b"}, 2);
        writeImage(roboflow + "/unlabeled/x.png", 24, 24, 0, 1);
        const Dataset r = openDataset(roboflow);
        QCOMPARE(r.classNames, (std::vector<std::string>{"a", "b"}));
        QCOMPARE(r.train.size(), 8);
        QCOMPARE(r.val.size(), 0);
        QCOMPARE(r.test.size(), 4);
        QVERIFY(r.testFromValidationFolder && !r.testCarved);
        QVERIFY(
            QString::fromStdString(describe(r))
                .contains("test: 4 images (the validation folder, as there is no test folder)"));
        writeClassFolder(path("splits-extra") + "/train", {"a", "b"}, 2);
        writeClassFolder(path("splits-extra") + "/test", {"a", "c"}, 2);
        QCOMPARE(errorOf([&] { openDataset(path("splits-extra")); }),
                 QString::fromStdString("image folder " + path("splits-extra") +
                                        "/test has class folder 'c', which the train split does "
                                        "not have"));
    }

    // A val/ folder is the probes' validation part: they fit on all of
    // train and measure validation on val/ (before, val/ was decoded and
    // never used, and validation was carved from train). Its class folders
    // are swapped here (red images under b), so the pixel probe, right on
    // train and test, is wrong on every validation image.
    void valFolderIsTheValidationPart()
    {
        const std::string dir = path("own-validation");
        writeClassFolder(dir + "/train", {"a", "b"}, 4);
        writeClassFolder(dir + "/val", {"b", "a"}, 2);
        writeClassFolder(dir + "/test", {"a", "b"}, 3);
        const auto d = std::make_shared<const Dataset>(openDataset(dir));
        const EvalData data(d, 3, 32);
        QVERIFY(data.ownValidation());
        QCOMPARE(&data.validationSplit(), &d->val);
        QVERIFY(data.fitIndices().equal(torch::arange(8)));
        QVERIFY(data.validationIndices().equal(torch::arange(4)));
        const EvalResult r = evaluatePixels(data, 3);
        QCOMPARE(r.probe, 1.0);
        QCOMPARE(r.valProbe, 0.0);
        QCOMPARE(r.valKnn, 0.0);
        QVERIFY(QString::fromStdString(evaluationProtocolJson(data, 3))
                    .contains("\"validation_part\":\"the dataset's val split\""));
    }

    // Split folders by other common names (Kaggle's training_set/test_set,
    // mnist_png's training/testing, any case): read as a 2-class dataset of
    // "test_set" and "training_set" before. An empty split folder and a
    // class whose files are all unreadable are refused by name.
    void otherSplitNamesEmptySplitsAndEmptiedClasses()
    {
        const std::string kaggle = path("cats-dogs");
        writeClassFolder(kaggle + "/training_set", {"cats", "dogs"}, 3);
        writeClassFolder(kaggle + "/Test_Set", {"cats", "dogs"}, 2);
        const Dataset k = openDataset(kaggle);
        QCOMPARE(k.classNames, (std::vector<std::string>{"cats", "dogs"}));
        QCOMPARE(k.train.size(), 6);
        QCOMPARE(k.test.size(), 4);
        QVERIFY(!k.testCarved);
        const std::string mnist = path("mnist-png");
        writeClassFolder(mnist + "/Training", {"0", "1"}, 2);
        writeClassFolder(mnist + "/testing", {"0", "1"}, 1);
        writeClassFolder(mnist + "/Validation", {"0", "1"}, 1);
        const Dataset m = openDataset(mnist);
        QCOMPARE(m.train.size(), 4);
        QCOMPARE(m.val.size(), 2);
        QCOMPARE(m.test.size(), 2);

        // Kaggle's Intel scenes archive: prefixed split folders, each nested
        // in one of the same name, beside seg_pred/ of unlabelled images
        // (read before as three classes seg_pred, seg_test and seg_train).
        const std::string scenes = path("intel-scenes");
        writeClassFolder(scenes + "/seg_train/seg_train", {"forest", "sea"}, 3);
        writeClassFolder(scenes + "/seg_test/seg_test", {"forest", "sea"}, 2);
        writeClassFolder(scenes + "/seg_pred", {"seg_pred"}, 2);
        const Dataset s = openDataset(scenes);
        QCOMPARE(s.classNames, (std::vector<std::string>{"forest", "sea"}));
        QCOMPARE(s.train.size(), 6);
        QCOMPARE(s.test.size(), 4);
        QVERIFY(!s.testCarved);
        const QString told = QString::fromStdString(describe(s));
        QVERIFY2(told.contains("split folders: train seg_train/seg_train/, test "
                               "seg_test/seg_test/\n") &&
                     told.contains("left out (unlabelled images to predict): seg_pred/\n"),
                 qPrintable(told));
        // One of its split folders chosen (as a shell completes it): the
        // nested folder is read, and said.
        const Dataset inner = openDataset(scenes + "/seg_train/");
        QCOMPARE(inner.classNames, (std::vector<std::string>{"forest", "sea"}));
        QVERIFY(QString::fromStdString(describe(inner))
                    .contains("read from: seg_train (the only folder inside)"));
        // A prefixed name is a split only beside a prefixed train folder:
        // classes "pre_test" and "post_test" stay classes.
        const std::string prePost = path("pre-post");
        writeClassFolder(prePost, {"pre_test", "post_test"}, 2);
        QCOMPARE(openDataset(prePost).classNames,
                 (std::vector<std::string>{"post_test", "pre_test"}));
        // ... and only with the train folder's prefix: classes "bullet_train" and
        // "crash_test" stay classes, as do "steam_train" and "freight_train".
        const std::string trains = path("trains");
        writeClassFolder(trains, {"bullet_train", "crash_test"}, 2);
        QCOMPARE(openDataset(trains).classNames,
                 (std::vector<std::string>{"bullet_train", "crash_test"}));
        const std::string engines = path("engines");
        writeClassFolder(engines, {"steam_train", "freight_train"}, 2);
        QCOMPARE(openDataset(engines).classNames,
                 (std::vector<std::string>{"freight_train", "steam_train"}));
        // A folder to predict is left out only beside a train folder:
        // classes "test" and "pred" stay classes.
        const std::string testPred = path("test-pred");
        writeClassFolder(testPred, {"test", "pred"}, 2);
        QCOMPARE(openDataset(testPred).classNames, (std::vector<std::string>{"pred", "test"}));

        // A class named like a split beside other classes stays a class,
        // even when it holds nested folders.
        const std::string vehicles = path("vehicles-nested");
        writeClassFolder(vehicles + "/Training", {"side"}, 2);
        writeClassFolder(vehicles, {"bus"}, 2);
        QCOMPARE(openDataset(vehicles).classNames, (std::vector<std::string>{"Training", "bus"}));

        // Split folders without a train split are not two classes "test" and "val".
        const std::string noTrain = path("no-train");
        writeClassFolder(noTrain + "/test", {"a", "b"}, 2);
        writeClassFolder(noTrain + "/val", {"a", "b"}, 2);
        QCOMPARE(errorOf([&] { openDataset(noTrain); }),
                 QString::fromStdString("image folder " + noTrain +
                                        " has split folders (test) but no train folder; expected "
                                        "train/ beside them (or class folders only)"));

        // A Latin-1 folder name (an old archive's) cannot go into JSON reports.
        const std::string latin1 = path("latin1");
        writeClassFolder(latin1, {"caf\xE9", "tea"}, 2);
        QCOMPARE(errorOf([&] { openDataset(latin1); }),
                 QString::fromStdString("dataset " + latin1 +
                                        ": class \"caf\\xE9\" is not named in UTF-8 text (a "
                                        "folder from an archive made with another encoding?); "
                                        "rename it"));
        writeClassFolder(latin1, {"caf\xC3\xA9"}, 2); // the same name in UTF-8
        fs::remove_all(latin1 + "/caf\xE9");
        QCOMPARE(openDataset(latin1).classNames, (std::vector<std::string>{"caf\xC3\xA9", "tea"}));

        const std::string twoTrains = path("two-trains");
        writeClassFolder(twoTrains + "/train", {"a"}, 1);
        writeClassFolder(twoTrains + "/training", {"a"}, 1);
        const QString e = errorOf([&] { openDataset(twoTrains); });
        QVERIFY2(e.contains("has two train folders, train and training"), qPrintable(e));

        const std::string emptyTest = path("empty-test");
        writeClassFolder(emptyTest + "/train", {"a", "b"}, 2);
        fs::create_directories(emptyTest + "/test");
        writeFileAtomically(emptyTest + "/test/.DS_Store", "x");
        QCOMPARE(errorOf([&] { openDataset(emptyTest); }),
                 QString::fromStdString(
                     "split folder " + emptyTest +
                     "/test holds no images and no class folders (expected "
                     ".png, .jpg, .jpeg, .bmp, .tif, .tiff, .webp, .pgm or .ppm files, in the same "
                     "class folders as the train split's)"));

        const std::string emptied = path("emptied-class");
        writeClassFolder(emptied, {"a", "b"}, 2);
        for (const char *f : {"/b/img100.png", "/b/img101.png"})
            writeFileAtomically(emptied + f, "not a png");
        DatasetOptions skip;
        skip.skipUnreadable = true;
        QCOMPARE(errorOf([&] { openDataset(emptied, skip); }),
                 QString::fromStdString("image folder " + emptied +
                                        ": class \"b\" has no readable training image (all of "
                                        "its files were skipped as unreadable); expected at "
                                        "least one per class"));
    }

    // Decoding stores a chunk at a time (threads x 256 files) and the store
    // keeps its bytes in blocks: images and labels stay in list order across
    // both boundaries.
    void chunksAndBlocksKeepTheOrder()
    {
        const std::string dir = path("many");
        writeClassFolder(dir, {"a", "b"}, 150); // 300 files: two chunks on one thread
        DatasetOptions one;
        one.threads = 1;
        const Dataset d = openDataset(dir, one);
        DatasetOptions many;
        many.threads = 3;
        const Dataset e = openDataset(dir, many);
        QCOMPARE(d.train.size(), 240);
        QCOMPARE(d.train.labels(), e.train.labels());
        QCOMPARE(d.train.labels().back(), 1);
        for (std::int64_t i = 0; i < d.train.size(); ++i) {
            const auto &x = d.train.entry(i);
            QCOMPARE(x.height, e.train.entry(i).height);
            QVERIFY(std::equal(d.train.pixels(i), d.train.pixels(i) + x.height * x.width * 3,
                               e.train.pixels(i)));
        }

        ImageStore store; // 4 MiB images: the 32 MiB block fills at the ninth
        std::vector<std::uint8_t> image(std::size_t(2048) * 2048);
        for (int i = 0; i < 10; ++i) {
            std::fill(image.begin(), image.end(), std::uint8_t(i * 20));
            image[std::size_t(i)] = 7;
            store.add(image.data(), 2048, 2048, 1, i);
        }
        QCOMPARE(store.byteCount(), std::int64_t(10) * 2048 * 2048);
        QVERIFY(store.entry(9).block > store.entry(0).block);
        for (int i = 0; i < 10; ++i) {
            const std::uint8_t *p = store.pixels(i);
            QCOMPARE(int(p[i]), 7);
            QCOMPARE(int(p[2048 * 2048 - 1]), i * 20);
        }
    }

    // A class named "train" among others is a class (CIFAR-100 has one): the
    // folder used to be read as a train/val/test layout, every other class
    // dropped. Hidden and system folders and files are neither classes nor
    // images.
    void trainClassAndSystemEntries()
    {
        const std::string dir = path("vehicles");
        writeClassFolder(dir, {"bus", "car", "train"}, 5);
        writeImage(dir + "/.ipynb_checkpoints/x.png", 24, 24, 0, 1);
        writeImage(dir + "/__MACOSX/bus/._img100.png", 24, 24, 0, 1);
        writeImage(dir + "/car/@eaDir/thumb.jpg", 24, 24, 1, 1);
        writeImage(dir + "/car/.thumbnails/t.png", 24, 24, 1, 1);
        writeFileAtomically(dir + "/bus/._img101.png", "AppleDouble, not a PNG");
        const Dataset d = openDataset(dir);
        QCOMPARE(d.classNames, (std::vector<std::string>{"bus", "car", "train"}));
        QCOMPARE(d.train.size() + d.test.size(), 15);
        QVERIFY(d.testCarved);
    }

    // Photographs are stored at a shorter side of 1024 (kStoredShorterSide),
    // and describe() says how many; an image longer than 4:1 is shaped from
    // its centre without resizing it whole (a 1 x 1,000,000 strip would take
    // gigabytes at r = 64).
    void largeAndElongatedImages()
    {
        const std::string dir = path("photos");
        writeImage(dir + "/a/big.jpg", 1100, 1500, 0, 1);
        writeImage(dir + "/a/small.png", 40, 40, 0, 2);
        writeImage(dir + "/b/strip.png", 2, 20000, 1, 3);
        const Dataset d = openDataset(dir);
        QCOMPARE(d.downscaled, 1);
        QCOMPARE(d.maxSide(), 20000); // 1024 x 1396 for the photograph
        QCOMPARE(d.train.entry(0).height, 1024);
        QCOMPARE(d.train.entry(0).width, 1396);
        QVERIFY2(QString::fromStdString(describe(d))
                     .contains("1 images stored downscaled to a shorter side of 1024 pixels"),
                 describe(d).c_str());
        ImageStore strip;
        std::vector<std::uint8_t> pixels(std::size_t(2) * 1000000, 0);
        for (std::size_t x = 500000 - 2; x < 500000 + 2; ++x) // a bright centre square
            pixels[x] = pixels[1000000 + x] = 255;
        strip.add(pixels.data(), 2, 1000000, 1, 0);
        const auto shaped = shapeImages(strip, std::vector<std::int64_t>{0}, 1, 64);
        QCOMPARE(shaped.sizes().vec(), (std::vector<std::int64_t>{1, 1, 64, 64}));
        QVERIFY(shaped.mean().item<float>() > 0.4f); // its centre: half of the 4:1 cut is bright
    }

    void shapingPadsResizesAndConvertsChannels()
    {
        ImageStore store;
        std::vector<std::uint8_t> grey(28 * 28, 255), rgb(40 * 20 * 3);
        for (std::size_t i = 0; i < rgb.size(); i += 3) {
            rgb[i] = 255; // pure red
            rgb[i + 1] = rgb[i + 2] = 0;
        }
        store.add(grey.data(), 28, 28, 1, 0);
        store.add(rgb.data(), 40, 20, 3, 1);
        // 28 -> 32: centred on black, 2 pixels each side, repeated to RGB.
        const auto a = shapeImages(store, std::vector<std::int64_t>{0}, 3, 32);
        QCOMPARE(a.sizes().vec(), (std::vector<std::int64_t>{1, 3, 32, 32}));
        QCOMPARE(a[0][2][1][5].item<float>(), 0.0f);
        QCOMPARE(a[0][2][2][2].item<float>(), 1.0f);
        QCOMPARE(a[0][0].sum().item<float>(), 28.0f * 28.0f);
        // 40x20 RGB at 16: shorter side 20 -> 16, centre crop, red -> grey by luminance.
        const auto b = shapeImages(store, std::vector<std::int64_t>{1}, 1, 16);
        QCOMPARE(b.sizes().vec(), (std::vector<std::int64_t>{1, 1, 16, 16}));
        QVERIFY(std::abs(b.mean().item<float>() - 0.299f) < 0.01f);
        // Growing: 28 -> 64 is resized, not padded (28 < 3/4 of 64): no black border.
        const auto c = shapeImages(store, std::vector<std::int64_t>{0}, 1, 64);
        QVERIFY(c.min().item<float>() > 0.99f);
    }

    void cifarBatchesAreRead()
    {
        const std::string ten = path("cifar10");
        fs::create_directories(ten);
        writeCifar(ten + "/data_batch_1.bin", 30, 1, 10);
        writeCifar(ten + "/data_batch_2.bin", 20, 1, 10);
        writeCifar(ten + "/test_batch.bin", 10, 1, 10);
        const Dataset d = openDataset(ten);
        QCOMPARE(d.format, std::string("cifar10"));
        QCOMPARE(d.train.size(), 50);
        // Batches 1 and 2 are a smaller set; 1, 2 and 4 lost batch 3.
        writeCifar(ten + "/data_batch_4.bin", 20, 1, 10);
        QCOMPARE(errorOf([&] { openDataset(ten); }),
                 QString::fromStdString("CIFAR-10 folder " + ten +
                                        " has data_batch_4.bin but no data_batch_3.bin; expected "
                                        "data_batch_1 to data_batch_5 (or 1 to k) without gaps"));
        fs::remove(ten + "/data_batch_4.bin");
        QCOMPARE(d.test.size(), 10);
        QCOMPARE(d.classNames.size(), std::size_t(10));
        QCOMPARE(d.classNames[3], std::string("cat"));
        // Image 31 is record 1 of the second batch: label 1, pixel (y=2, x=3)
        // of G is (1 + 50 + 5) % 256, stored interleaved [H, W, C].
        QCOMPARE(d.train.labels()[31], 1);
        QCOMPARE(int(d.train.pixels(31)[(2 * 32 + 3) * 3 + 1]), 56);

        const std::string hundred = path("cifar100");
        fs::create_directories(hundred);
        writeCifar(hundred + "/train.bin", 40, 2, 100);
        writeCifar(hundred + "/test.bin", 10, 2, 100);
        writeFileAtomically(hundred + "/fine_label_names.txt", "");
        const Dataset h = openDataset("cifar100:" + hundred);
        QCOMPARE(h.format, std::string("cifar100"));
        QCOMPARE(h.train.labels()[37], 37); // the fine label, not the coarse one
        QCOMPARE(h.classNames.size(), std::size_t(100));
        // Only image folders are stored at a capped size (an experiment
        // compares a run's max_shorter_side for them alone).
        QVERIFY(!isImageFolderSource(ten) && !isImageFolderSource("cifar100:" + hundred));
        QVERIFY(!isImageFolderSource("fashion-mnist") && !isImageFolderSource("idx:" + ten));
        QVERIFY(isImageFolderSource("folder:" + ten) && isImageFolderSource(path("no-such")));

        writeFileAtomically(ten + "/test_batch.bin", std::string(3074, '\0'));
        QCOMPARE(errorOf([&] { openDataset(ten); }),
                 QString::fromStdString("CIFAR-10 file " + ten +
                                        "/test_batch.bin is 3074 bytes, not a multiple of 3073 (1 "
                                        "label byte(s) + 3,072 pixel bytes per image)"));
    }

    // IDX files as Kaggle's MNIST names them (a dot before "idx"), beside a
    // folder with the standard name (an archive unpacked into its own name).
    void idxFilesNamedWithADot()
    {
        const std::string dir = path("mnist-dotted");
        fs::create_directories(dir);
        test::writeSmallDataset(dir, 30, 10);
        for (const std::string name :
             {"train-images-idx3", "train-labels-idx1", "t10k-images-idx3", "t10k-labels-idx1"}) {
            std::string dotted = name;
            dotted[dotted.rfind("-idx")] = '.';
            fs::rename(dir + "/" + name + "-ubyte", dir + "/" + dotted + "-ubyte");
        }
        fs::create_directories(dir + "/train-images-idx3-ubyte");
        const Dataset d = openDataset(dir);
        QCOMPARE(d.format, std::string("idx"));
        QCOMPARE(d.train.size(), 30);
        QCOMPARE(d.test.size(), 10);
    }

    // The Python version (torchvision's download): the same images, labels
    // and class names as the binary one, read without running the pickle.
    void cifarPythonBatchesAreRead()
    {
        const std::string ten = path("torchvision/cifar-10-batches-py");
        fs::create_directories(ten);
        writeCifarPickle(ten + "/data_batch_1", 30, 10);
        writeCifarPickle(ten + "/data_batch_2", 20, 10);
        writeCifarPickle(ten + "/test_batch", 10, 10);
        std::vector<std::string> names;
        for (int c = 0; c < 10; ++c)
            names.push_back("name" + std::to_string(c));
        writeNamesPickle(ten + "/batches.meta", "label_names", names);
        const Dataset d = openDataset(ten);
        QCOMPARE(d.format, std::string("cifar10"));
        QCOMPARE(d.train.size(), 50);
        QCOMPARE(d.test.size(), 10);
        QCOMPARE(d.classNames[3], std::string("name3"));
        QCOMPARE(d.train.labels()[31], 1); // record 1 of the second batch
        QCOMPARE(int(d.train.pixels(31)[(2 * 32 + 3) * 3 + 1]), 56);
        QCOMPARE(int(d.test.pixels(9)[(31 * 32 + 31) * 3 + 2]), (9 + 100 + 62) % 256);

        const std::string hundred = path("cifar-100-python");
        fs::create_directories(hundred);
        writeCifarPickle(hundred + "/train", 40, 100);
        writeCifarPickle(hundred + "/test", 10, 100);
        names.clear();
        for (int c = 0; c < 100; ++c)
            names.push_back("fine" + std::to_string(c));
        writeNamesPickle(hundred + "/meta", "fine_label_names", names);
        const Dataset h = openDataset(hundred);
        QCOMPARE(h.format, std::string("cifar100"));
        QCOMPARE(h.train.labels()[37], 37); // the fine label, not the coarse one
        QCOMPARE(h.classNames[42], std::string("fine42"));

        // The folder above it (torchvision's root) says where the batches are.
        QCOMPARE(errorOf([&] { openDataset(path("torchvision")); }),
                 QString::fromStdString(
                     "class folder " + ten +
                     " has no images (expected .png, .jpg, .jpeg, .bmp, .tif, .tiff, "
                     ".webp, .pgm or .ppm files); it holds CIFAR-10 batches: choose that "
                     "folder instead"));
        // A pickle that names any other Python function is refused by name
        // before anything is called.
        writeFileAtomically(ten + "/test_batch", std::string("\x80\x02"
                                                             "cos\nsystem\n(U\x02lstR.",
                                                             22));
        QCOMPARE(errorOf([&] { openDataset(ten); }),
                 QString::fromStdString(
                     "pickle " + ten +
                     "/test_batch: byte 2 (opcode 0x63): it names the Python function or class "
                     "os.system; only NumPy arrays and plain values (dicts, lists, tuples, bytes, "
                     "strings, numbers) are read, never other Python objects"));
        // Damaged: fewer labels than images; a truncated download.
        writeCifarPickle(ten + "/test_batch", 10, 10, 9);
        QCOMPARE(errorOf([&] { openDataset(ten); }),
                 QString::fromStdString("CIFAR-10 batch " + ten +
                                        "/test_batch: 'data' holds 10 images and 'labels' 9 "
                                        "labels; expected one label per image"));
        const std::string whole = readFileCapped(ten + "/data_batch_2", "batch", 1 << 20);
        writeFileAtomically(ten + "/data_batch_2", whole.substr(0, 20000));
        QVERIFY(errorOf([&] {
                    openDataset(ten);
                }).startsWith(QString::fromStdString("pickle " + ten + "/data_batch_2: byte ")));
        QVERIFY(errorOf([&] { openDataset(ten); }).endsWith("expected (a truncated file?)"));
    }

    // Pickles as today's Python writes them (protocols 2, 4 and 5, NumPy's
    // own reduce): arrays of [N, 3, 32, 32], labels as an int64 array or a
    // list of NumPy integers.
    void cifarPicklesFromPython3AreRead()
    {
#ifndef LATENT_PYTHON3
        QSKIP("no python3 with NumPy at configure time");
#else
        for (int protocol : {2, 4, 5}) {
            const std::string dir = path("py3-protocol" + std::to_string(protocol));
            fs::create_directories(dir);
            const char *script = R"(
import pickle, sys
import numpy as np
def batch(n):
    i = np.arange(n).reshape(n, 1, 1, 1); k = np.arange(3).reshape(1, 3, 1, 1)
    y = np.arange(32).reshape(1, 1, 32, 1); x = np.arange(32).reshape(1, 1, 1, 32)
    return {'data': ((i + k * 50 + y + x) % 256).astype(np.uint8),
            'labels': labels(np.arange(n, dtype=np.int64) % 10), 'mean': 0.5}
# A list of NumPy integers (each a pickled numpy scalar) or one array.
labels = list if sys.argv[2] == '2' else (lambda a: a)
for name, n in (('data_batch_1', 12), ('test_batch', 5)):
    with open(sys.argv[1] + '/' + name, 'wb') as f:
        pickle.dump(batch(n), f, protocol=int(sys.argv[2]))
)";
            QProcess python;
            python.start(LATENT_PYTHON3,
                         {"-c", script, QString::fromStdString(dir), QString::number(protocol)});
            QVERIFY(python.waitForFinished(60000));
            if (python.exitCode() != 0 && python.readAllStandardError().contains("numpy"))
                QSKIP("python3 has no NumPy");
            QCOMPARE(python.exitCode(), 0);
            const Dataset d = openDataset(dir);
            QCOMPARE(d.train.size(), 12);
            QCOMPARE(d.train.labels()[11], 1);
            QCOMPARE(int(d.train.pixels(11)[(2 * 32 + 3) * 3 + 1]), (11 + 50 + 5) % 256);
            QCOMPARE(d.test.size(), 5);
        }
#endif
    }

    void badFoldersNameTheProblem()
    {
        // An image that does not decode: named, or skipped and listed.
        const std::string broken = path("broken");
        writeClassFolder(broken, {"a", "b"}, 5);
        writeFileAtomically(broken + "/b/bad.png", "this is not a PNG");
        QCOMPARE(errorOf([&] { openDataset(broken); }),
                 QString::fromStdString(
                     "image " + broken +
                     "/b/bad.png cannot be read: not an image OpenCV can decode (expected .png, "
                     ".jpg, .jpeg, .bmp, .tif, .tiff, .webp, .pgm or .ppm); fix or remove it, or "
                     "skip unreadable images "
                     "(--skip-unreadable)"));
        DatasetOptions skip;
        skip.skipUnreadable = true;
        const Dataset d = openDataset(broken, skip);
        QCOMPARE(d.skipped.size(), std::size_t(1));
        QCOMPARE(d.train.size() + d.test.size(), 10);
        QVERIFY(QString::fromStdString(describe(d)).contains("unreadable files skipped: 1"));

        const std::string empty = path("empty-class");
        writeClassFolder(empty, {"a"}, 3);
        fs::create_directories(empty + "/b");
        QCOMPARE(errorOf([&] { openDataset(empty); }),
                 QString::fromStdString(
                     "class folder " + empty +
                     "/b has no images (expected .png, .jpg, .jpeg, .bmp, .tif, .tiff, "
                     ".webp, .pgm or .ppm files)"));

        const std::string one = path("one-class");
        writeClassFolder(one, {"only"}, 10);
        const Dataset oneClass = openDataset(one);
        QCOMPARE(errorOf([&] { requireProbeable(oneClass); }),
                 QString::fromStdString("dataset " + one +
                                        " has one class ('only'); the linear probe and kNN need "
                                        "at least two"));

        const std::string flat = path("unlabelled");
        for (int i = 0; i < 4; ++i)
            writeImage(flat + "/x" + std::to_string(i) + ".png", 16, 16, 0, i);
        const Dataset u = openDataset(flat);
        QVERIFY(!u.labelled());
        QCOMPARE(u.train.size(), 4);
        QCOMPARE(errorOf([&] { requireProbeable(u); }),
                 QString::fromStdString("dataset " + flat +
                                        " is an unlabelled image folder (images directly inside, "
                                        "no class folders); the linear probe and kNN need one "
                                        "subfolder per class"));

        const std::string mixed = path("mixed");
        writeClassFolder(mixed, {"a"}, 2);
        writeImage(mixed + "/stray.png", 8, 8, 0, 0);
        QCOMPARE(errorOf([&] { openDataset(mixed); }),
                 QString::fromStdString("image folder " + mixed +
                                        " holds both images (stray.png) and folders (a); expected "
                                        "one subfolder per class, or only images for an "
                                        "unlabelled set"));

        const std::string loop = path("loop");
        writeClassFolder(loop, {"a"}, 2);
        fs::create_directory_symlink("..", loop + "/a/up");
        QCOMPARE(errorOf([&] { openDataset(loop); }),
                 QString::fromStdString("image folder " + loop + "/a/up leads back to " +
                                        fs::canonical(loop).string() +
                                        " (a symlink loop); remove the link"));

        const std::string none = path("no-images");
        fs::create_directories(none);
        writeFileAtomically(none + "/readme.txt", "nothing here");
        QCOMPARE(errorOf([&] { openDataset(none); }),
                 QString::fromStdString(
                     "image folder " + none +
                     " holds no images (expected .png, .jpg, .jpeg, .bmp, .tif, .tiff, "
                     ".webp, .pgm or .ppm files, in one subfolder per class or directly "
                     "inside)"));
        QCOMPARE(errorOf([&] { openDataset(path("missing")); }),
                 QString::fromStdString("dataset " + path("missing") + " does not exist"));
        QCOMPARE(errorOf([&] { openDataset(none + "/readme.txt"); }),
                 QString::fromStdString("dataset " + none +
                                        "/readme.txt is a file; expected a folder (class folders "
                                        "of images, CIFAR-10/100 batches or IDX files)"));
    }

    void cancelStopsDecoding()
    {
        const std::string dir = path("to-cancel");
        writeClassFolder(dir, {"a", "b"}, 100);
        DatasetOptions options;
        options.threads = 2;
        options.progress = [](std::int64_t, std::int64_t) { return false; };
        QVERIFY_THROWS_EXCEPTION(Cancelled, openDataset(dir, options));
    }

    // Colour end to end: an RGB generator's views train an encoder that is
    // probed on an RGB image folder, then on CIFAR-format files, at the
    // generator's 3x32x32.
    void rgbGeneratorTrainsAndProbesOnColourData()
    {
        const std::string gen = writeRgbGenerator(m_dir.path().toStdString());
        // The sidecar's real_data is relative to its folder.
        const std::string folder = readSidecar(sidecarPathFor(gen)).realData;
        QCOMPARE(folder, path("rgb-eval"));
        QCOMPARE(errorOf([] {
                     parseSidecar(R"({"schema_version": 1, "name": "x", "latent_size": 2,
"num_classes": 0, "channels": 1, "resolution": 8, "output_range": [-1, 1], "call": "z",
"real_data": "idx:"})",
                                  "s.json");
                 }),
                 QString("sidecar s.json: field 'real_data' is \"idx:\", expected fashion-mnist, a "
                         "folder or FORMAT:PATH"));
        writeClassFolder(folder, {"red", "green", "blue"}, 15);
        const std::string cifar = path("rgb-cifar");
        fs::create_directories(cifar);
        writeCifar(cifar + "/data_batch_1.bin", 60, 1, 10);
        writeCifar(cifar + "/test_batch.bin", 20, 1, 10);
        for (const std::string &eval : {folder, cifar}) {
            const std::string run = path("run-" + fs::path(eval).filename().string());
            std::int64_t finalTotal = 0;
            auto t = Trainer::create(run, tinyRun(gen, eval), ViewRecipe{});
            TrainObserver o;
            o.evaluation = [&](const std::string &kind, std::int64_t, std::int64_t total) {
                if (kind == "final") finalTotal = total;
            };
            t->setObserver(o);
            t->start();
            t->wait();
            QVERIFY2(t->state() == RunState::Finished, t->message().c_str());
            const auto rows = readMetrics(run);
            QVERIFY(std::any_of(rows.begin(), rows.end(), [](const MetricRow &r) {
                return r.kind == "final" && r.probe >= 0 && r.probe <= 1;
            }));
            const Dataset d = openDataset(eval);
            QCOMPARE(finalTotal, d.train.size() + d.test.size()); // progress covered every image
            QCOMPARE(t->classNames(), d.classNames);
        }
        // Real-data training on the colour folder: 3 channels, natural size 40.
        TrainConfig real = tinyRun("", folder);
        real.data = "real";
        real.realData = folder;
        auto t = Trainer::create(path("run-real-rgb"), real, ViewRecipe{});
        t->start();
        t->wait();
        QVERIFY2(t->state() == RunState::Finished, t->message().c_str());
        auto views = t->latestViews();
        QCOMPARE(views.channels, 3);
        QCOMPARE(views.height, 40);

        // A user-set input size: the generator's 32 px views are resized to 16.
        TrainConfig small = tinyRun(gen, folder);
        small.resolution = 16;
        t = Trainer::create(path("run-16px"), small, ViewRecipe{});
        t->start();
        t->wait();
        QVERIFY2(t->state() == RunState::Finished, t->message().c_str());
        views = t->latestViews();
        QCOMPARE(views.height, 16);
        QCOMPARE(readTrainConfig(path("run-16px") + "/config.json").resolution, 16);
        small.resolution = 4;
        QCOMPARE(errorOf([&] { validate(small, "c.json"); }),
                 QString("training config c.json: field 'encoder.resolution' is 4, expected 0 "
                         "(the generator's) or 8 to 1024 pixels"));
    }
};

QTEST_GUILESS_MAIN(TestData)
#include "test_data.moc"
