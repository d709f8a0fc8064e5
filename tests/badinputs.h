// SPDX-License-Identifier: MIT
#pragma once
// The bad-input corpus (tests/data/bad/cases.tsv): each case as the path a
// user would give and the exact message they must see. Shared by the core,
// CLI and studio tests so that all three check the same words.
#include <QDir>
#include <QFile>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

namespace latent::test {

struct BadInput
{
    QString kind; // generator, sidecar, recipe, idx
    QString file; // relative to tests/data/bad
    QString message;
};

inline QList<BadInput> badInputs(const QStringList &kinds)
{
    QList<BadInput> cases;
    QFile f(LATENT_TEST_DATA_DIR "/bad/cases.tsv");
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        qFatal("cannot read %s", qPrintable(f.fileName()));
    for (const QString &line : QString::fromUtf8(f.readAll()).split('\n')) {
        if (line.isEmpty() || line.startsWith('#')) continue;
        const QStringList cols = line.split('\t');
        if (cols.size() != 3)
            qFatal("cases.tsv: expected 3 tab-separated columns in: %s", qPrintable(line));
        if (kinds.contains(cols[0])) cases.push_back({cols[0], cols[1], cols[2]});
    }
    return cases;
}

// Lays the case out as a user would meet it, in `dir`; returns the path to
// hand to the program (a generator for sidecar cases, a dataset folder for
// idx cases when `asDataset`), and sets `messagePath` to the file the
// message must name.
inline QString prepareBadInput(const BadInput &c, const QTemporaryDir &dir, bool asDataset,
                               QString *messagePath)
{
    const QString source = QDir(LATENT_TEST_DATA_DIR "/bad").filePath(c.file);
    const QString stem = QFileInfo(c.file).completeBaseName();
    if (c.kind == "sidecar") {
        const QString pt = dir.filePath(stem + ".pt");
        QFile::copy(LATENT_DEFAULT_GENERATOR, pt);
        *messagePath = dir.filePath(stem + ".json");
        QFile::copy(source, *messagePath);
        return pt;
    }
    if (c.kind == "idx" && asDataset) {
        QDir(dir.path()).mkpath(stem);
        const QString folder = dir.filePath(stem);
        *messagePath = folder + "/train-images-idx3-ubyte";
        QFile::copy(source, *messagePath);
        for (const char *good : {"train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                                 "t10k-labels-idx1-ubyte.gz"})
            QFile::copy(QString("/usr/share/datasets/fashion-mnist/") + good, folder + "/" + good);
        return folder;
    }
    *messagePath = source;
    return source;
}

// Run cases ("run" kind) name a file of the corpus NAME--TARGET: a copy of
// the good run folder `goodRun` with TARGET (status.json, checkpoint.pt, ...)
// replaced by it, in `dir`. Returns the copied folder; `messagePath` is the
// replaced file.
inline QString prepareBadRun(const BadInput &c, const QString &goodRun, const QTemporaryDir &dir,
                             QString *messagePath)
{
    const QString target = c.file.section("--", 1);
    const QString folder = dir.filePath(c.file.section("--", 0, 0));
    QDir().mkpath(folder);
    for (const QString &name : QDir(goodRun).entryList(QDir::Files | QDir::Hidden))
        if (name != target) QFile::copy(goodRun + "/" + name, folder + "/" + name);
    *messagePath = folder + "/" + target;
    QFile::copy(QDir(LATENT_TEST_DATA_DIR "/bad").filePath(c.file), *messagePath);
    return folder;
}

// The Runs tab lists a run from every file but its checkpoint, which only a
// resume reads.
inline bool runListingReads(const BadInput &c)
{
    return c.file.section("--", 1) != "checkpoint.pt";
}

inline QString expectedMessage(const BadInput &c, const QString &messagePath)
{
    return QString(c.message).replace("{path}", messagePath);
}

} // namespace latent::test
