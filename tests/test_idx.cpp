// SPDX-License-Identifier: MIT
// Core, no display: the IDX reader on good, truncated and malformed files.
#include "data/dataset.h"
#include "data/idx.h"
#include "error.h"

#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

#include <fstream>

using namespace latent;

namespace {

std::vector<std::uint8_t> idxBytes(std::vector<std::uint32_t> dims, std::size_t dataBytes,
                                   std::uint8_t type = 0x08)
{
    std::vector<std::uint8_t> b{0, 0, type, std::uint8_t(dims.size())};
    for (auto d : dims)
        for (int s = 24; s >= 0; s -= 8)
            b.push_back(std::uint8_t(d >> s));
    for (std::size_t i = 0; i < dataBytes; ++i)
        b.push_back(std::uint8_t(i % 256));
    return b;
}

std::string writeFile(const QTemporaryDir &dir, const QString &name,
                      const std::vector<std::uint8_t> &b, bool gzip = false)
{
    const std::string path = dir.filePath(name).toStdString();
    if (gzip) {
        gzFile f = gzopen(path.c_str(), "wb");
        gzwrite(f, b.data(), unsigned(b.size()));
        gzclose(f);
    } else {
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char *>(b.data()), b.size());
    }
    return path;
}

QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

class TestIdx : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsPlainAndGzip()
    {
        QTemporaryDir dir;
        for (bool gz : {false, true}) {
            const auto path = writeFile(dir, gz ? "a.gz" : "a", idxBytes({3, 2, 4}, 24), gz);
            const IdxArray a = readIdx(path);
            QCOMPARE(a.dims, (std::vector<std::int64_t>{3, 2, 4}));
            QCOMPARE(a.data.size(), std::size_t(24));
            QCOMPARE(int(a.data[23]), 23);
        }
    }

    void rejectsBadFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        auto qb = [](const std::vector<std::uint8_t> &v) {
            return QByteArray(reinterpret_cast<const char *>(v.data()), int(v.size()));
        };
        QTest::newRow("truncated data") << qb(idxBytes({10, 28, 28}, 5 * 784))
                                        << "truncated: the header promises 7840 data bytes from "
                                           "byte 16 but the data ends at byte 3936";
        QTest::newRow("lying header") << qb(idxBytes({60000, 28, 28}, 100))
                                      << "the header promises 47040000 data bytes from byte 16";
        auto wrongMagic = idxBytes({2}, 2);
        wrongMagic[0] = 0x1f;
        QTest::newRow("wrong magic") << qb(wrongMagic) << "bad magic number at byte 0 (31, 0)";
        QTest::newRow("float type")
            << qb(idxBytes({2}, 8, 0x0D))
            << "element type 0x0D at byte 2 is not supported; expected 0x08 (unsigned byte)";
        QTest::newRow("cut header")
            << qb(idxBytes({5, 28, 28}, 0)).left(10)
            << "header is cut at byte 10; expected 16 header bytes for rank 3";
        QTest::newRow("trailing bytes")
            << qb(idxBytes({4}, 6)) << "2 extra bytes follow at byte 12";
        QTest::newRow("rank 0") << qb(idxBytes({}, 0))
                                << "rank 0 at byte 3; expected 1 to 4 dimensions";
        // Found by fuzz_idx: 2^18 * 2^19 * 2^27 wrapped the element count to 0.
        QTest::newRow("dims overflow")
            << qb(idxBytes({1u << 18, 1u << 19, 1u << 27, 0xf70000u}, 0))
            << "dimensions in the header (byte 12) describe more than 2^40 elements";
        QTest::newRow("empty") << QByteArray()
                               << "file is 0 bytes; expected a 4-byte magic number at byte 0";
    }

    void rejectsBadFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const auto path =
            writeFile(dir, "bad-idx", std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
        const QString error = errorOf([&] { readIdx(path); });
        QVERIFY2(error.startsWith(QString::fromStdString("IDX file " + path + ": ")),
                 qPrintable(error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void rejectsTruncatedGzipStream()
    {
        QTemporaryDir dir;
        const auto path = writeFile(dir, "full.gz", idxBytes({100, 28, 28}, 78400), true);
        std::ifstream in(path, std::ios::binary);
        std::vector<char> gz((std::istreambuf_iterator<char>(in)), {});
        const std::string cut = dir.filePath("cut.gz").toStdString();
        std::ofstream(cut, std::ios::binary).write(gz.data(), gz.size() / 2);
        const QString error = errorOf([&] { readIdx(cut); });
        QVERIFY2(error.contains("cut.gz") &&
                     (error.contains("truncated") || error.contains("decompress")),
                 qPrintable(error));
    }

    void missingFileNamesIt()
    {
        const QString error = errorOf([] { readIdx("/nonexistent/x-idx3-ubyte.gz"); });
        QVERIFY2(error.startsWith("IDX file /nonexistent/x-idx3-ubyte.gz: cannot be opened"),
                 qPrintable(error));
    }

    void datasetCountsMustAgree()
    {
        QTemporaryDir dir;
        const auto images = writeFile(dir, "img", idxBytes({3, 2, 2}, 12));
        const auto labels = writeFile(dir, "lab", idxBytes({4}, 4));
        const QString error = errorOf([&] { readIdxDataset(images, labels); });
        QVERIFY2(error.contains("disagree: 3 images but 4 labels"), qPrintable(error));
    }

    // A small gzip file of zeros behind a short header decompresses to far
    // more than the header promises: the reader stops counting, and keeps
    // nothing past the promise (it held the whole stream: a 20 MB file of
    // zeros made it hold 20 GB).
    void bytesPastThePromiseAreNotKept()
    {
        QTemporaryDir dir;
        std::vector<std::uint8_t> bomb = idxBytes({4}, 4);
        bomb.resize(bomb.size() + (std::size_t(32) << 20), 0);
        const QString error =
            errorOf([&] { readIdx(writeFile(dir, "bomb-idx1-ubyte.gz", bomb, true)); });
        QVERIFY2(error.contains("the header promises 4 data bytes from byte 8 but more than "
                                "16777216 extra bytes follow at byte 12"),
                 qPrintable(error));
    }

    // Images of no pixels, and labels that skip classes, are refused by name.
    void imageSizesAndLabelsAreChecked()
    {
        QTemporaryDir dir;
        const auto images = writeFile(dir, "img", idxBytes({5, 0, 28}, 0));
        const auto labels = writeFile(dir, "lab", idxBytes({5}, 5));
        QVERIFY2(errorOf([&] {
                     readIdxDataset(images, labels);
                 }).contains("img: images of 0 x 28 pixels; expected 1 to 65536 pixels a side"),
                 qPrintable(errorOf([&] { readIdxDataset(images, labels); })));

        // Labels 0, 1 and 7: a stray 7 makes classes 2-6 up, empty.
        std::vector<std::uint8_t> stray = idxBytes({3}, 0);
        stray.insert(stray.end(), {0, 1, 7});
        for (const char *split : {"train", "t10k"}) {
            writeFile(dir, QString("%1-images-idx3-ubyte").arg(split), idxBytes({3, 2, 2}, 12));
            writeFile(dir, QString("%1-labels-idx1-ubyte").arg(split), stray);
        }
        const std::string folder = dir.path().toStdString();
        QCOMPARE(errorOf([&] { openDataset(folder); }),
                 QString::fromStdString("IDX labels " + folder +
                                        "/train-labels-idx1-ubyte: labels run to 7 but 5 of the "
                                        "8 classes 0 to 7 have no training image; expected "
                                        "labels 0 to K-1 for K classes (a damaged label file?)"));
        // Labels from 1 (EMNIST Letters): class 0 empty, the set loads.
        std::vector<std::uint8_t> fromOne = idxBytes({3}, 0);
        fromOne.insert(fromOne.end(), {1, 2, 3});
        for (const char *split : {"train", "t10k"})
            writeFile(dir, QString("%1-labels-idx1-ubyte").arg(split), fromOne);
        QCOMPARE(openDataset(folder).classNames.size(), std::size_t(4));
    }

    void readsFashionMnist()
    {
        if (!QFile::exists(
                QString::fromStdString(fashionMnistDir() + "/t10k-labels-idx1-ubyte.gz")))
            QSKIP("dataset-fashion-mnist is not installed");
        const LabelledImages test = readFashionMnist(false);
        QCOMPARE(test.count, 10000);
        QCOMPARE(test.height, 28);
        QCOMPARE(test.width, 28);
        QCOMPARE(test.pixels.size(), std::size_t(10000 * 28 * 28));
        std::vector<int> perClass(10, 0);
        for (auto l : test.labels) {
            QVERIFY(l < 10);
            ++perClass[l];
        }
        for (int n : perClass)
            QCOMPARE(n, 1000); // the test split is balanced
    }
};

QTEST_APPLESS_MAIN(TestIdx)
#include "test_idx.moc"
