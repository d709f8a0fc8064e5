// SPDX-License-Identifier: MIT
#include "exportdatasetdialog.h"

#include "durationtext.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <exception>

namespace latent::studio {
namespace {

QSpinBox *count(const char *name, int lo, int hi, int value)
{
    auto *s = new QSpinBox;
    s->setObjectName(name);
    s->setRange(lo, hi);
    s->setValue(value);
    s->setGroupSeparatorShown(true);
    return s;
}

} // namespace

ExportDatasetDialog::ExportDatasetDialog(std::shared_ptr<const Generator> generator,
                                         ViewRecipe recipe, QWidget *parent)
    : QDialog(parent), m_generator(std::move(generator)), m_recipe(std::move(recipe)),
      m_anchors(count("exportAnchors", 1, 100000000, 10000)),
      m_views(count("exportViews", 1, 64, m_recipe.views.perAnchor)),
      m_chunk(count("exportChunk", 1, 4096, DatasetExportSettings().chunk)),
      m_seed(count("exportSeed", 0, 2147483647, 1)), m_format(new QComboBox),
      m_folder(
          new QLineEdit(QDir::home().filePath("exports/" + QString::fromStdString(m_recipe.name)))),
      m_browse(new QPushButton(tr("Browse…"))), m_export(new QPushButton(tr("Export"))),
      m_stop(new QPushButton(tr("Stop"))), m_close(new QPushButton(tr("Close"))),
      m_bar(new QProgressBar), m_status(new QLabel)
{
    setWindowTitle(tr("Export Dataset"));
    m_format->setObjectName("exportFormat");
    m_format->addItem(tr("PNG, a folder per class"), "png");
    m_format->addItem(tr("NumPy arrays (.npy), one per chunk"), "npy");
    m_folder->setObjectName("exportFolder");
    m_export->setObjectName("exportStart");
    m_stop->setObjectName("exportStop");
    m_bar->setObjectName("exportProgress");
    m_status->setObjectName("exportStatus");
    m_status->setWordWrap(true);
    m_chunk->setToolTip(tr("Anchors generated together. Chunk c is the batch a training run of "
                           "this seed and batch size sees at step c."));
    m_folder->setToolTip(tr("A new or empty folder, or the folder of a stopped export to "
                            "continue it"));
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Export Folder"), m_folder->text());
        if (!dir.isEmpty()) m_folder->setText(dir);
    });
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(m_browse);
    auto *form = new QFormLayout;
    form->addRow(tr("Recipe"), new QLabel(QString::fromStdString(m_recipe.name)));
    form->addRow(tr("Anchors"), m_anchors);
    form->addRow(tr("Views per anchor"), m_views);
    form->addRow(tr("Format"), m_format);
    form->addRow(tr("Anchors per chunk"), m_chunk);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(tr("Folder"), folderRow);
    auto *buttons = new QDialogButtonBox;
    buttons->addButton(m_export, QDialogButtonBox::ActionRole);
    buttons->addButton(m_stop, QDialogButtonBox::ActionRole);
    buttons->addButton(m_close, QDialogButtonBox::RejectRole);
    m_stop->setEnabled(false);
    connect(m_export, &QPushButton::clicked, this, &ExportDatasetDialog::start);
    connect(m_stop, &QPushButton::clicked, this, [this] {
        m_stopRequested = true;
        m_status->setText(tr("Stopping after the chunk in hand…"));
    });
    connect(m_close, &QPushButton::clicked, this, &ExportDatasetDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_bar);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    m_status->setText(tr("Writes each image once with a manifest row (anchor, view, class, "
                         "file); any image can be regenerated from its row."));
}

ExportDatasetDialog::~ExportDatasetDialog()
{
    m_stopRequested = true;
    if (m_thread.joinable()) m_thread.join();
}

void ExportDatasetDialog::reject()
{
    if (!running()) {
        QDialog::reject();
        return;
    }
    m_closeWhenEnded = true;
    m_stopRequested = true;
    m_status->setText(tr("Stopping after the chunk in hand…"));
}

void ExportDatasetDialog::setEditable(bool editable)
{
    for (QWidget *w : std::initializer_list<QWidget *>{m_anchors, m_views, m_chunk, m_seed,
                                                       m_format, m_folder, m_browse, m_export})
        w->setEnabled(editable);
    m_stop->setEnabled(!editable);
}

void ExportDatasetDialog::start()
{
    if (running()) return;
    DatasetExportSettings s;
    s.anchors = m_anchors->value();
    s.views = m_views->value();
    s.chunk = m_chunk->value();
    s.seed = std::uint64_t(m_seed->value());
    s.format = m_format->currentData().toString().toStdString();
    s.loadedSha256 = m_recipe.generator.sha256; // the model the Views tab's recipe was made with
    // The folder as typed: a relative one would land wherever the studio
    // was started from.
    QString folder = m_folder->text().trimmed();
    if (folder == "~" || folder.startsWith("~/")) folder = QDir::homePath() + folder.mid(1);
    if (folder.isEmpty() || QDir::isRelativePath(folder)) {
        m_status->setText(
            folder.isEmpty()
                ? tr("Choose the folder to export into.")
                : tr("The folder %1 is relative; give a full path (Browse…).").arg(folder));
        return;
    }
    m_folder->setText(folder);
    const std::string dir = folder.toStdString();
    setEditable(false);
    m_bar->setRange(0, 0); // busy until the first chunk is written
    m_stopRequested = false;
    m_imagesAtStart = -1;
    m_imagesPerChunk = std::int64_t(s.chunk) * s.views;
    m_clock.start();
    m_status->setText(tr("Exporting…"));
    m_thread = std::thread([this, s, dir, generator = m_generator, recipe = m_recipe] {
        ExportProgress last;
        QString error;
        try {
            last = exportDataset(*generator, recipe, s, dir, [this](const ExportProgress &p) {
                QMetaObject::invokeMethod(
                    this, [this, p] { showProgress(p); }, Qt::QueuedConnection);
                return !m_stopRequested;
            });
        } catch (const std::exception &e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this, [this, last, error] { ended(last, error); }, Qt::QueuedConnection);
    });
}

void ExportDatasetDialog::showProgress(const ExportProgress &p)
{
    // The rate counts this session's images only: a continued export's
    // earlier chunks took no time here.
    if (m_imagesAtStart < 0)
        m_imagesAtStart = p.imagesDone - std::min(m_imagesPerChunk, p.imagesDone);
    m_bar->setRange(0, 1000);
    m_bar->setValue(int(1000 * p.imagesDone / std::max<std::int64_t>(1, p.imagesTotal)));
    const double seconds = m_clock.elapsed() / 1000.0;
    const double rate = seconds > 0 ? (p.imagesDone - m_imagesAtStart) / seconds : 0;
    const double left = rate > 0 ? (p.imagesTotal - p.imagesDone) / rate : 0;
    m_status->setText(tr("%1 of %2 images, %3 images/s, %4 left")
                          .arg(p.imagesDone)
                          .arg(p.imagesTotal)
                          .arg(rate, 0, 'f', 0)
                          .arg(QString::fromStdString(formatDuration(left))));
}

void ExportDatasetDialog::ended(const ExportProgress &p, const QString &error)
{
    if (m_thread.joinable()) m_thread.join();
    setEditable(true);
    const bool complete = error.isEmpty() && p.chunksDone == p.chunksTotal;
    if (!error.isEmpty())
        m_status->setText(tr("Export failed: %1").arg(error));
    else if (complete)
        m_status->setText(tr("Export complete: %1 images in %2 (manifest.jsonl lists them).")
                              .arg(p.imagesTotal)
                              .arg(m_folder->text()));
    else
        m_status->setText(tr("Stopped at %1 of %2 images. Export again with the same settings "
                             "and folder to continue.")
                              .arg(p.imagesDone)
                              .arg(p.imagesTotal));
    if (complete) m_bar->setValue(m_bar->maximum());
    if (m_bar->maximum() == 0) m_bar->setRange(0, 1000); // no chunk written: not busy
    Q_EMIT exportEnded(complete, error);
    // A failure stays on screen even when Close was pressed while running.
    if (m_closeWhenEnded && error.isEmpty()) QDialog::reject();
    m_closeWhenEnded = false;
}

} // namespace latent::studio
