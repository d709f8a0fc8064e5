// SPDX-License-Identifier: MIT
#include "reportcardbox.h"

#include "datasetpicker.h"
#include "imageconvert.h"
#include "imagegridwidget.h"
#include "workerjob.h"

#include "data/dataset.h"
#include "generators/generator.h"
#include "views/directions.h"
#include "widgethelpers.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <chrono>
#include <optional>

namespace latent::studio {

ReportCardBox::ReportCardBox(QWidget *parent)
    : QWidget(parent), m_data(new DatasetPicker), m_samples(new QSpinBox),
      m_casImages(new QSpinBox), m_epochs(new QSpinBox), m_on(new QComboBox),
      m_compute(new QPushButton(tr("&Compute card"))), m_cancel(new QPushButton(tr("Cancel"))),
      m_save(new QPushButton(tr("Save card…"))), m_progress(new QProgressBar), m_status(new QLabel),
      m_text(new QTextBrowser), m_nearest(new widgets::ImageGridWidget),
      m_worker(std::make_unique<CoalescingWorker>())
{
    setObjectName("reportCardBox");
    m_data->setObjectName("reportCardData");
    m_samples->setObjectName("reportCardSamples");
    m_samples->setRange(100, 100000);
    m_samples->setSingleStep(1000);
    m_samples->setValue(ReportCardOptions().samples);
    m_samples->setToolTip(tr("Generated images for fidelity and the Fréchet distance"));
    m_casImages->setObjectName("reportCardCasImages");
    m_casImages->setRange(0, 1000000);
    m_casImages->setSingleStep(1000);
    m_casImages->setSpecialValueText(tr("as many as the real classifier"));
    m_casImages->setToolTip(tr("Generated images the CAS classifier trains on"));
    m_on->setObjectName("reportCardOn");
    m_on->addItem(tr("test split"));
    m_on->addItem(tr("validation"));
    m_on->setToolTip(tr("Choose a generator's settings (sampler steps, guidance, truncation) "
                        "with the card measured on validation (the dataset's val split, else 10% "
                        "of each class of train); report the test split's card"));
    m_epochs->setObjectName("reportCardEpochs");
    m_epochs->setRange(1, 20);
    m_epochs->setValue(ReportCardOptions().epochs);
    m_epochs->setToolTip(tr("Passes of the small classifier over its training images"));
    m_compute->setObjectName("computeReportCard");
    m_compute->setToolTip(
        tr("Train a small classifier on the real data (cached per dataset) and measure the "
           "generator with it: fidelity, CAS, Fréchet distance, per class"));
    m_cancel->setObjectName("cancelReportCard");
    m_save->setObjectName("saveReportCard");
    m_status->setObjectName("reportCardStatus");
    m_status->setWordWrap(true);
    m_progress->setRange(0, 1000);
    m_text->setObjectName("reportCardText");
    m_nearest->setObjectName("reportCardNearest");
    m_nearest->setMinimumHeight(120);
    m_nearest->setPlaceholderText(tr("Nearest real images appear here"));

    auto *form = new QFormLayout;
    form->addRow(tr("Real data"), m_data);
    form->addRow(tr("Samples"), m_samples);
    form->addRow(tr("CAS images"), m_casImages);
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(tr("Measured on"), m_on);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_compute);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_save);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_nearest, 1);
    setRunning(false);
    m_save->setEnabled(false);

    connect(m_compute, &QPushButton::clicked, this, &ReportCardBox::compute);
    connect(m_cancel, &QPushButton::clicked, this, &ReportCardBox::cancel);
    connect(m_save, &QPushButton::clicked, this, &ReportCardBox::save);
}

ReportCardBox::~ReportCardBox()
{
    cancel();
}

void ReportCardBox::setGenerator(std::shared_ptr<const Generator> generator,
                                 const QString &realData)
{
    cancel();
    m_generator = std::move(generator);
    m_hasCard = false;
    m_text->clear();
    m_nearest->setCells({}, 1);
    m_status->clear();
    setProgressValue(m_progress, 0);
    m_save->setEnabled(false);
    if (!realData.isEmpty()) m_data->setSource(realData);
    setRunning(false);
}

QString ReportCardBox::statusText() const
{
    return m_status->text();
}

void ReportCardBox::setRunning(bool running)
{
    m_compute->setEnabled(!running && m_generator);
    m_cancel->setEnabled(running);
    m_samples->setEnabled(!running);
    m_casImages->setEnabled(!running);
    m_epochs->setEnabled(!running);
    m_on->setEnabled(!running);
    // A save would wait on the worker behind the running card.
    m_save->setEnabled(!running && m_hasCard);
}

void ReportCardBox::compute()
{
    if (!m_generator) return;
    cancel();
    auto flag = std::make_shared<std::atomic<bool>>(false);
    m_cancelFlag = flag;
    ReportCardOptions options;
    options.samples = m_samples->value();
    options.casImages = m_casImages->value();
    options.epochs = m_epochs->value();
    options.onValidation = m_on->currentIndex() == 1;
    options.cacheDir = defaultClassifierCacheDir();
    const std::string source = m_data->source().toStdString();
    const bool skipUnreadable = m_data->skipUnreadable();
    auto gen = m_generator;
    setRunning(true);
    setProgressValue(m_progress, 0);
    m_status->setText(tr("Reading %1…").arg(m_data->source()));
    QPointer<ReportCardBox> self(this);
    // Cancelling is not an error: the job returns no card.
    using Result = std::optional<ReportCard>;
    runJob(
        *m_worker, "card", this,
        [self, gen, source, skipUnreadable, options, flag]() -> Result {
            auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
            const ReportCardProgress progress = [&](const std::string &stage, double fraction) {
                const auto now = std::chrono::steady_clock::now();
                if (now - last < std::chrono::milliseconds(100) && fraction < 1) return;
                last = now;
                QMetaObject::invokeMethod(
                    qApp,
                    [self, stage, fraction] {
                        if (!self) return;
                        setProgressValue(self->m_progress, int(fraction * 1000));
                        self->m_status->setText(QString::fromStdString(stage) + "…");
                    },
                    Qt::QueuedConnection);
            };
            try {
                DatasetOptions read;
                read.skipUnreadable = skipUnreadable;
                read.progress = [&flag](std::int64_t, std::int64_t) { return !*flag; };
                const Dataset data = openDataset(source, read);
                ReportCard card = computeReportCard(*gen, data, options, flag.get(), progress);
                card.generator =
                    QFileInfo(QString::fromStdString(gen->path())).fileName().toStdString();
                card.data = source;
                return card;
            } catch (const Cancelled &) {
                return std::nullopt;
            }
        },
        [this, gen](const Result &card, const QString &error) {
            if (gen != m_generator) return;
            setRunning(false);
            if (!error.isEmpty() || !card) {
                m_status->setText(error.isEmpty() ? tr("Cancelled") : error);
                Q_EMIT finished(false);
                return;
            }
            m_card = *card;
            m_hasCard = true;
            showCard();
            Q_EMIT finished(true);
        });
}

void ReportCardBox::cancel()
{
    if (m_cancelFlag) *m_cancelFlag = true;
}

void ReportCardBox::showCard()
{
    setProgressValue(m_progress, 1000);
    m_status->setText(m_card.classifierFromCache
                          ? tr("Done (the real-data classifier came from the cache)")
                          : tr("Done"));
    m_text->setMarkdown(QString::fromStdString(reportCardMarkdown(m_card)));
    m_nearest->setCells(cellsOf(m_card.nearest, {},
                                [this](int i) {
                                    return i % m_card.nearestColumns == 0
                                               ? tr("generated sample")
                                               : tr("nearest real training image");
                                }),
                        m_card.nearestColumns);
    m_save->setEnabled(true);
}

void ReportCardBox::save()
{
    if (!m_hasCard) return;
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Save Report Card Into"), QDir::homePath());
    if (dir.isEmpty()) return;
    const ReportCard card = m_card;
    const std::string path = dir.toStdString();
    runJob(
        *m_worker, "save", this,
        [card, path] {
            writeReportCard(card, path);
            return true;
        },
        [this, dir](bool, const QString &error) {
            m_status->setText(error.isEmpty() ? tr("Saved report-card.md, report-card.json and "
                                                   "nearest.png in %1")
                                                    .arg(dir)
                                              : error);
        });
}

} // namespace latent::studio
