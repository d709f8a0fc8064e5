// SPDX-License-Identifier: MIT
#include "datasetpicker.h"

#include "data/dataset.h"
#include "durationtext.h"
#include "workerjob.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPixmap>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <chrono>

namespace latent::studio {
namespace {

const char *const kRecentKey = "recentDatasets";
constexpr int kRecentMax = 8;

// What the worker hands back: the summary and the sample grid.
struct Inspection
{
    QString headline; // one line: splits, classes, colour, sizes
    QString summary;  // describe(): every class with its counts
    QImage samples;   // a row of samples per class
    QStringList classes;
};

QString headlineOf(const Dataset &d)
{
    QString text =
        DatasetPicker::tr("%1 train · %2 test images").arg(d.train.size()).arg(d.test.size());
    if (!d.val.empty()) text += DatasetPicker::tr(" · %1 val").arg(d.val.size());
    text += d.labelled() ? DatasetPicker::tr(" · %1 classes").arg(d.classNames.size())
                         : DatasetPicker::tr(" · unlabelled");
    text += DatasetPicker::tr(" · %1, %2 to %3 px")
                .arg(d.channels() == 3 ? DatasetPicker::tr("RGB") : DatasetPicker::tr("grey"))
                .arg(d.minSide())
                .arg(d.maxSide());
    if (!d.skipped.empty())
        text += DatasetPicker::tr(" · unreadable files skipped: %1").arg(d.skipped.size());
    return QString::fromStdString(d.format) + ": " + text;
}

QString localFolder(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1) return {};
    const QString path = mime->urls().front().toLocalFile();
    return QFileInfo(path).isDir() ? path : QString();
}

} // namespace

DatasetPicker::DatasetPicker(QWidget *parent)
    : QWidget(parent), m_source(new QComboBox), m_browse(new QPushButton(tr("Folder…"))),
      m_skip(new QCheckBox(tr("Skip unreadable images"))), m_summary(new QLabel),
      m_samples(new QLabel), m_worker(std::make_unique<CoalescingWorker>())
{
    m_source->setObjectName("datasetSource");
    m_browse->setObjectName("datasetBrowse");
    m_skip->setObjectName("datasetSkipUnreadable");
    m_summary->setObjectName("datasetSummary");
    m_samples->setObjectName("datasetSamples");
    m_source->setEditable(true);
    m_source->setInsertPolicy(QComboBox::NoInsert);
    m_source->setToolTip(
        tr("fashion-mnist, a folder with one subfolder per class (optionally "
           "under train/ val/ test/), CIFAR-10/100 batches (binary or Python) or IDX "
           "files; drop a folder here"));
    // Recent datasets that are still there; Fashion-MNIST is always offered.
    QStringList recent;
    for (const QString &s : QSettings().value(kRecentKey).toStringList()) {
        try {
            const DataSource source = parseDataSource(s.toStdString());
            if (source.fashionMnist || QFileInfo(QString::fromStdString(source.path)).isDir())
                recent.append(s);
        } catch (const std::exception &) {
        }
    }
    if (!recent.contains("fashion-mnist")) recent.append("fashion-mnist");
    m_source->addItems(recent);
    m_skip->setToolTip(tr("Leave images that cannot be decoded out (they are listed) instead of "
                          "refusing the dataset"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_samples->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_source, 1);
    row->addWidget(m_browse);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_skip);
    layout->addWidget(m_summary);
    // A hundred classes must not push the training controls off the screen.
    auto *scroll = new QScrollArea;
    scroll->setWidget(m_samples);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumHeight(110);
    scroll->setMaximumHeight(150);
    layout->addWidget(scroll);
    setAcceptDrops(true);

    connect(m_browse, &QPushButton::clicked, this, &DatasetPicker::browse);
    connect(m_source, QOverload<int>::of(&QComboBox::activated), this, [this] { inspect(); });
    connect(m_source->lineEdit(), &QLineEdit::editingFinished, this, [this] { inspect(); });
    connect(m_skip, &QCheckBox::toggled, this, [this] { inspect(); });
    inspect();
}

DatasetPicker::~DatasetPicker()
{
    ++*m_generation; // the running inspection stops; the worker's join returns soon
}

QString DatasetPicker::source() const
{
    return m_source->currentText().trimmed();
}

bool DatasetPicker::skipUnreadable() const
{
    return m_skip->isChecked();
}

QString DatasetPicker::summaryText() const
{
    return m_valid ? m_details : m_summary->text();
}

QString DatasetPicker::progressText(const QString &source, qint64 done, qint64 total,
                                    double seconds)
{
    const double eta = done > 0 ? seconds * double(total - done) / double(done) : 0;
    return tr("Reading %1: %2 / %3 images · ETA %4")
        .arg(source)
        .arg(done)
        .arg(total)
        .arg(QString::fromStdString(formatDuration(eta)));
}

void DatasetPicker::setSource(const QString &source)
{
    m_source->setEditText(source);
    inspect();
}

void DatasetPicker::showSource(const QString &source, bool skipUnreadable)
{
    ++*m_generation; // an inspection still reading stops
    const QSignalBlocker quiet(m_skip);
    m_skip->setChecked(skipUnreadable);
    m_source->setEditText(source);
    showPending(tr("The dataset of the run in the Train tab (not read again here)."));
}

void DatasetPicker::showPending(const QString &text)
{
    m_valid = false;
    m_details.clear();
    m_summary->setStyleSheet({});
    m_summary->setToolTip({});
    m_samples->clear();
    m_summary->setText(text);
}

void DatasetPicker::browse()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Real dataset folder"));
    if (!dir.isEmpty()) setSource(dir);
}

void DatasetPicker::dragEnterEvent(QDragEnterEvent *event)
{
    if (!localFolder(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void DatasetPicker::dropEvent(QDropEvent *event)
{
    const QString dir = localFolder(event->mimeData());
    if (dir.isEmpty()) return;
    event->acceptProposedAction();
    setSource(dir);
}

void DatasetPicker::remember(const QString &source)
{
    QStringList recent = QSettings().value(kRecentKey).toStringList();
    recent.removeAll(source);
    recent.prepend(source);
    while (recent.size() > kRecentMax)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
    if (m_source->findText(source) < 0) m_source->insertItem(0, source);
}

void DatasetPicker::inspect()
{
    const QString source = this->source();
    if (source.isEmpty()) return;
    showPending(tr("Reading %1…").arg(source));
    const int generation = ++*m_generation;
    QPointer<DatasetPicker> self(this);
    DatasetOptions options;
    options.skipUnreadable = skipUnreadable();
    const auto start = std::chrono::steady_clock::now();
    options.progress = [self, wanted = m_generation, generation, source,
                        start](std::int64_t done, std::int64_t total) {
        if (*wanted != generation) return false; // another source, or the picker closed
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        QMetaObject::invokeMethod(
            qApp,
            [self, generation, source, done, total, seconds] {
                if (self && *self->m_generation == generation)
                    self->m_summary->setText(progressText(source, done, total, seconds));
            },
            Qt::QueuedConnection);
        return true;
    };
    const std::string path = source.toStdString();
    runJob(
        *m_worker, "inspect", this,
        [path, options]() -> std::shared_ptr<Inspection> {
            const Dataset data = openDataset(path, options);
            const SampleGrid g = sampleGrid(data, 8, 18);
            auto result = std::make_shared<Inspection>();
            result->headline = headlineOf(data);
            for (const std::string &name : data.classNames)
                result->classes << QString::fromStdString(name);
            result->summary = QString::fromStdString(describe(data)).trimmed();
            result->samples =
                QImage(g.rgb.data(), g.width, g.height, g.width * 3, QImage::Format_RGB888).copy();
            return result;
        },
        [this, source, generation](std::shared_ptr<Inspection> result, const QString &error) {
            if (generation != *m_generation) return;
            m_valid = error.isEmpty();
            if (!m_valid) {
                m_summary->setText(error);
                m_summary->setStyleSheet("color: #b00020");
            } else {
                m_summary->setStyleSheet({});
                m_details = result->summary;
                m_summary->setText(result->headline);
                m_summary->setToolTip(m_details);
                m_samples->setPixmap(QPixmap::fromImage(result->samples));
                m_samples->setToolTip(
                    tr("Rows, top to bottom: %1").arg(result->classes.join(", ")));
                remember(source);
            }
            Q_EMIT inspected(m_valid);
        });
}

} // namespace latent::studio
