// SPDX-License-Identifier: MIT
#include "trainpanel.h"

#include "batchreplaydialog.h"
#include "clusterjobdialog.h"
#include "curveplot.h"
#include "datasetpicker.h"
#include "durationtext.h"
#include "embeddingplot.h"
#include "error.h"
#include "imageconvert.h"
#include "imagegridwidget.h"
#include "localranks.h"
#include "train/trainer.h"
#include "widgethelpers.h"
#include "workerjob.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace latent::studio {
namespace {

QString duration(double seconds)
{
    return QString::fromStdString(formatDuration(seconds));
}

template <typename Widget> Widget *named(Widget *w, const char *name)
{
    w->setObjectName(name);
    return w;
}

QComboBox *combo(const char *name, const QStringList &items)
{
    auto *c = named(new QComboBox, name);
    c->addItems(items);
    return c;
}

QSpinBox *spin(const char *name, int lo, int hi, int value)
{
    auto *s = named(new QSpinBox, name);
    s->setRange(lo, hi);
    s->setValue(value);
    return s;
}

} // namespace

TrainPanel::TrainPanel(std::function<ViewRecipe()> recipe, std::function<QString()> generatorPath,
                       QWidget *parent)
    : QWidget(parent), m_recipe(std::move(recipe)), m_generatorPath(std::move(generatorPath)),
      m_data(combo("trainData",
                   {tr("Generated views (current recipe)"), tr("Real images (baseline)")})),
      m_dataset(named(new DatasetPicker, "trainDataset")),
      m_budget(spin("trainBudget", 1, 100000000, 1000)),
      m_budgetUnit(combo("trainBudgetUnit", {tr("steps"), tr("minutes")})),
      m_encoder(combo("trainEncoder", encoderPresetItems())),
      m_resolution(spin("trainResolution", 0, 1024, 0)), m_batch(spin("trainBatch", 2, 65536, 256)),
      m_optimizer(combo("trainOptimizer", {"sgd", "adam"})),
      m_lr(named(new QDoubleSpinBox, "trainLr")),
      m_device(combo("trainDevice", {"auto", "cpu", "cuda"})),
      m_precision(combo("trainPrecision", {"auto", "fp32", "bf16", "fp16"})),
      m_processes(spin("trainProcesses", 1, 256, 1)), m_seed(spin("trainSeed", 0, 1 << 30, 1)),
      m_probeEvery(spin("trainProbeEvery", 0, 100000000, 100)),
      m_name(named(new QLineEdit, "trainRunName")),
      m_train(named(new QPushButton(tr("&Train")), "trainButton")),
      m_pause(named(new QPushButton(tr("&Pause")), "pauseButton")),
      m_stop(named(new QPushButton(tr("S&top")), "stopButton")),
      m_exportJob(named(new QPushButton(tr("Export &Cluster Job…")), "exportJobButton")),
      m_progress(named(new QProgressBar, "trainProgress")),
      m_status(named(new QLabel, "trainStatus")), m_error(named(new QLabel, "trainError")),
      m_views(named(new widgets::ImageGridWidget, "trainViews")),
      m_loss(named(new widgets::CurvePlot(tr("step"), tr("loss")), "lossPlot")),
      m_accuracy(named(new widgets::CurvePlot(tr("step"), tr("accuracy")), "accuracyPlot")),
      m_lrPlot(named(new widgets::CurvePlot(tr("step"), tr("learning rate")), "lrPlot")),
      m_speed(named(new widgets::CurvePlot(tr("step"), tr("images/s")), "speedPlot")),
      m_embedding(named(new widgets::EmbeddingPlot, "trainEmbedding")),
      m_pointImage(named(new QLabel, "embeddingPointImage")), m_viewTimer(new QTimer(this)),
      m_cliPath(QDir(QCoreApplication::applicationDirPath()).filePath("latent-cli")),
      m_fileWorker(std::make_unique<CoalescingWorker>()),
      m_worker(std::make_unique<CoalescingWorker>())
{
    const TrainConfig defaults;
    m_lr->setDecimals(5);
    m_lr->setRange(1e-5, 10);
    m_lr->setSingleStep(0.01);
    m_lr->setValue(defaults.lr);
    m_batch->setValue(defaults.batch);
    m_budget->setValue(defaults.steps);
    m_probeEvery->setValue(defaults.probeEvery);
    m_name->setPlaceholderText(tr("automatic (date and time)"));
    m_resolution->setSpecialValueText(tr("the generator's"));
    m_resolution->setSuffix(tr(" px"));
    m_resolution->setToolTip(tr("Side of the encoder's input: a large generator's views (and the "
                                "real images) are resized to it once per batch"));
    m_data->setToolTip(tr("Views from the generator with the Views tab's recipe, or the real "
                          "dataset's images with the recipe's pixel augmentations (the baseline)"));
    m_probeEvery->setToolTip(tr("Online linear probe and kNN on real-data subsets every N steps"));
    m_precision->setToolTip(tr("The forward pass's type: auto takes bf16 where the device has it "
                               "(recent CPUs and GPUs), fp16 with loss scaling on older GPUs, "
                               "else fp32"));
    m_processes->setToolTip(
        tr("Data-parallel processes on this machine (each a share of every batch; the cores "
           "are divided between them). This window trains rank 0 and shows its curves; the "
           "others run as latent-cli. Pause is not available with several processes."));
    m_exportJob->setToolTip(tr("Write a Slurm batch script and a torchrun command for these "
                               "settings and the current recipe, to train on a cluster"));
    connect(m_optimizer, &QComboBox::currentTextChanged, this, [this](const QString &name) {
        m_lr->setValue(name == "adam" ? 1e-3 : TrainConfig().lr);
    });

    auto *form = new QFormLayout;
    form->addRow(tr("Data"), m_data);
    form->addRow(tr("Real dataset"), m_dataset);
    auto *budgetRow = new QHBoxLayout;
    budgetRow->addWidget(m_budget, 1);
    budgetRow->addWidget(m_budgetUnit);
    form->addRow(tr("Budget"), budgetRow);
    form->addRow(tr("Encoder"), m_encoder);
    form->addRow(tr("Input size"), m_resolution);
    form->addRow(tr("Batch (anchors)"), m_batch);
    form->addRow(tr("Optimiser"), m_optimizer);
    form->addRow(tr("Learning rate"), m_lr);
    form->addRow(tr("Device"), m_device);
    form->addRow(tr("Precision"), m_precision);
    form->addRow(tr("Processes"), m_processes);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(tr("Probe every"), m_probeEvery);
    form->addRow(tr("Run name"), m_name);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_train);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_stop);
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020");
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);
    // Two lines held for the progress line (updated every step), so that its
    // usual lengths do not relayout the column.
    m_status->setMinimumHeight(2 * m_status->fontMetrics().lineSpacing());
    m_views->setPlaceholderText(tr("The views of the current batch appear here"));
    m_views->setToolTip(tr("A few anchors of the latest batch (rows) and their views, as the "
                           "encoder sees them; refreshed every few seconds"));

    auto *settings = sectionBox(tr("Training"));
    auto *left = new QVBoxLayout(settings);
    left->addLayout(form);
    left->addLayout(buttons);
    left->addWidget(m_exportJob);
    left->addWidget(m_progress);
    left->addWidget(m_status);
    left->addWidget(m_error);
    left->addWidget(new QLabel(tr("Views fed to the encoder:")));
    left->addWidget(m_views, 1);

    auto *curves = new QWidget;
    auto *grid = new QGridLayout(curves);
    grid->addWidget(m_loss, 0, 0);
    grid->addWidget(m_accuracy, 0, 1);
    grid->addWidget(m_lrPlot, 1, 0);
    grid->addWidget(m_speed, 1, 1);
    auto *embeddingPage = new QWidget;
    auto *embeddingLayout = new QHBoxLayout(embeddingPage);
    embeddingLayout->addWidget(m_embedding, 1);
    m_pointImage->setMinimumSize(140, 160);
    m_pointImage->setAlignment(Qt::AlignCenter);
    m_pointImage->setText(tr("Hover a point\nto see its image"));
    embeddingLayout->addWidget(m_pointImage);
    auto *tabs = new QTabWidget;
    withoutPageFrame(tabs);
    tabs->addTab(curves, tr("Curves"));
    tabs->addTab(embeddingPage, tr("Embedding"));

    auto *splitter = new QSplitter;
    splitter->addWidget(scrollingColumn(settings));
    splitter->addWidget(tabs);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({330, 800});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_train, &QPushButton::clicked, this, &TrainPanel::startTraining);
    connect(m_pause, &QPushButton::clicked, this, &TrainPanel::pauseOrResume);
    connect(m_stop, &QPushButton::clicked, this, &TrainPanel::stopTraining);
    connect(m_exportJob, &QPushButton::clicked, this, &TrainPanel::exportClusterJobDialog);
    connect(m_viewTimer, &QTimer::timeout, this, &TrainPanel::refreshViews);
    const auto showPoint = [this](int i) {
        if (i < 0 || i >= m_embeddingImages.count) return;
        const auto cells = cellsOf(m_embeddingImages.slice(i, 1));
        const int label = m_embeddingImages.classes[i];
        m_pointImage->setPixmap(QPixmap::fromImage(
            cells.front().image.scaled(128, 128, Qt::KeepAspectRatio, Qt::FastTransformation)));
        m_pointImage->setToolTip(label >= 0 && label < int(m_classNames.size())
                                     ? QString::fromStdString(m_classNames[label])
                                     : QString());
    };
    connect(m_embedding, &widgets::EmbeddingPlot::pointHovered, this, showPoint);
    connect(m_embedding, &widgets::EmbeddingPlot::pointClicked, this, showPoint);
    m_loss->setToolTip(tr("Click a point to see the batch the encoder trained on at that step."));
    connect(m_loss, &widgets::CurvePlot::pointClicked, this,
            [this](double step, double) { showBatchOfStep(int(std::lround(step))); });
    resetPlots();
    updateButtons();
}

void TrainPanel::showBatchOfStep(int step)
{
    if (m_runDir.isEmpty() || step < 1) return;
    if (!m_batchDialog) m_batchDialog = new BatchReplayDialog(this);
    m_batchDialog->show();
    m_batchDialog->raise();
    m_batchDialog->replay(m_runDir, step);
}

TrainPanel::~TrainPanel()
{
    m_cancelPreparing->store(true); // the worker's join below returns at the next image
    if (!m_trainer) return;
    // Rank 0 stops first, so that the other ranks stop with it at the same
    // step instead of losing it.
    m_trainer->stop();
    m_trainer->wait();
}

void TrainPanel::setRunsRoot(const QString &dir)
{
    m_runsRoot = dir;
}

bool TrainPanel::isTraining() const
{
    return m_preparing || m_running;
}

TrainConfig TrainPanel::configFromForm() const
{
    TrainConfig c;
    c.data = m_data->currentIndex() == 0 ? "generator" : "real";
    c.generator = m_generatorPath().toStdString();
    c.realData = c.evalData = m_dataset->source().toStdString();
    c.skipUnreadable = m_dataset->skipUnreadable();
    if (m_budgetUnit->currentIndex() == 0)
        setBudget(c, m_budget->value(), 0);
    else
        setBudget(c, 0, m_budget->value());
    c.encoder = m_encoder->currentText().toStdString();
    c.resolution = m_resolution->value();
    c.batch = m_batch->value();
    c.optimizer = m_optimizer->currentText().toStdString();
    c.lr = m_lr->value();
    c.device = m_device->currentText().toStdString();
    c.precision = m_precision->currentText().toStdString();
    c.seed = static_cast<std::uint64_t>(m_seed->value());
    c.probeEvery = m_probeEvery->value();
    return c;
}

void TrainPanel::showConfig(const TrainConfig &c)
{
    m_data->setCurrentIndex(c.data == "real" ? 1 : 0);
    const QString source = QString::fromStdString(c.data == "real" ? c.realData : c.evalData);
    if (source != m_dataset->source() || c.skipUnreadable != m_dataset->skipUnreadable())
        m_dataset->showSource(source, c.skipUnreadable);
    const bool minutes = c.minutes > 0;
    m_budgetUnit->setCurrentIndex(minutes ? 1 : 0);
    m_budget->setValue(minutes ? int(std::ceil(c.minutes)) : c.steps);
    m_encoder->setCurrentText(QString::fromStdString(c.encoder));
    m_resolution->setValue(c.resolution);
    m_batch->setValue(c.batch);
    m_optimizer->setCurrentText(QString::fromStdString(c.optimizer));
    m_lr->setValue(c.lr);
    m_device->setCurrentText(QString::fromStdString(c.device));
    m_precision->setCurrentText(QString::fromStdString(c.precision));
    m_seed->setValue(int(std::min<std::uint64_t>(c.seed, std::uint64_t(m_seed->maximum()))));
    m_probeEvery->setValue(c.probeEvery);
}

void TrainPanel::resetPlots()
{
    for (auto *p : {m_loss, m_accuracy, m_lrPlot, m_speed})
        p->clear();
    m_lossRaw = m_loss->addSeries(tr("loss"), QColor(160, 190, 230));
    m_lossSmooth = m_loss->addSeries(tr("loss (smoothed)"), QColor(31, 119, 180));
    m_probeOnline = m_accuracy->addSeries(tr("linear probe (validation)"), widgets::seriesColor(0),
                                          widgets::CurvePlot::Marker::Dot);
    m_knnOnline = m_accuracy->addSeries(tr("kNN (validation)"), widgets::seriesColor(1),
                                        widgets::CurvePlot::Marker::Dot);
    m_probeFinal = m_accuracy->addSeries(tr("linear probe (test, final)"), widgets::seriesColor(0),
                                         widgets::CurvePlot::Marker::Diamond, false);
    m_knnFinal = m_accuracy->addSeries(tr("kNN (test, final)"), widgets::seriesColor(1),
                                       widgets::CurvePlot::Marker::Diamond, false);
    m_lrSeries = m_lrPlot->addSeries(tr("learning rate"), widgets::seriesColor(2));
    m_speedSeries = m_speed->addSeries(tr("images/s"), widgets::seriesColor(4));
    m_haveSmoothed = false;
}

void TrainPanel::setProcesses(int n)
{
    m_processes->setValue(n);
}

QString TrainPanel::runName() const
{
    return m_name->text().trimmed().isEmpty()
               ? QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss")
               : m_name->text().trimmed();
}

void TrainPanel::startTraining()
{
    if (isTraining()) return;
    const TrainConfig config = configFromForm();
    if (config.data == "generator" && config.generator.empty()) {
        m_error->setText(tr("Load a generator first (File > Open Generator), or train on real "
                            "data."));
        return;
    }
    // Checked before a run folder exists (the reader's messages named its
    // config.json, not yet written).
    try {
        validate(config, tr("of the Train tab").toStdString());
    } catch (const Error &e) {
        m_error->setText(QString::fromStdString(e.what()));
        return;
    }
    // One folder inside the runs folder: "a/b", ".." or "/x" would write elsewhere.
    const QString name = runName();
    if (name.contains('/') || name.contains('\\') || name == "." || name == "..") {
        m_error->setText(tr("The run name \"%1\" is not a folder name; use one without / or \\ "
                            "that is not . or ..")
                             .arg(name));
        return;
    }
    const QString dir = QDir(m_runsRoot).filePath(name);
    const ViewRecipe recipe = m_recipe();
    QStringList rankArguments;
    m_jobFiles.reset();
    if (m_processes->value() > 1) {
        // Ranks 1..N-1 read the same config and recipe; rank 0 writes the run folder.
        m_jobFiles = std::make_unique<QTemporaryDir>();
        const QString configFile = m_jobFiles->filePath("config.json");
        const QString recipeFile = m_jobFiles->filePath("recipe.json");
        try {
            writeTrainConfig(config, configFile.toStdString());
            writeRecipe(recipe, recipeFile.toStdString());
        } catch (const Error &e) {
            m_error->setText(QString::fromStdString(e.what()));
            return;
        }
        rankArguments = {"train", "--config", configFile, "--recipe", recipeFile, "--out", dir};
    }
    const DataLoadProgress loading = loadingReporter();
    launch(
        [dir, config, recipe, loading](const ParallelOptions &parallel) {
            return std::shared_ptr<Trainer>(
                Trainer::create(dir.toStdString(), config, recipe, loading, parallel));
        },
        dir, rankArguments);
}

void TrainPanel::exportClusterJob(const QString &folder, const ClusterJob &job)
{
    m_status->setText(tr("Writing the cluster job to %1…").arg(folder));
    runJob(
        *m_fileWorker, "cluster job " + folder.toStdString(), this,
        [folder, job, config = configFromForm(), recipe = m_recipe()] {
            return writeClusterJob(folder.toStdString(), config, recipe, job);
        },
        [this, folder](const std::vector<std::string> &paths, const QString &error) {
            if (error.isEmpty()) {
                m_status->setText(tr("Wrote the cluster job to %1; submit it with: sbatch %2")
                                      .arg(folder, QString::fromStdString(shellWord(paths.at(2)))));
                m_error->clear();
            } else {
                m_status->clear();
                m_error->setText(error);
            }
            Q_EMIT clusterJobExported(folder, error);
        });
}

void TrainPanel::exportClusterJobDialog()
{
    ClusterJobDialog dialog(runName(), this);
    if (dialog.exec() == QDialog::Accepted) exportClusterJob(dialog.jobFolder(), dialog.job());
}

void TrainPanel::suggestDataset(const QString &source)
{
    if (!source.isEmpty() && !isTraining() && source != m_dataset->source())
        m_dataset->setSource(source);
}

void TrainPanel::resumeRun(const QString &runDir)
{
    if (isTraining()) {
        m_error->setText(m_preparing ? tr("A run is being prepared; stop it before resuming "
                                          "another.")
                                     : tr("A run is training; stop it before resuming another."));
        return;
    }
    const DataLoadProgress loading = loadingReporter();
    launch(
        [runDir, loading](const ParallelOptions &parallel) {
            return std::shared_ptr<Trainer>(Trainer::open(runDir.toStdString(), loading, parallel));
        },
        runDir, {"train", "--resume", runDir});
}

DataLoadProgress TrainPanel::loadingReporter()
{
    QPointer<TrainPanel> self(this);
    const auto start = std::chrono::steady_clock::now();
    return [self, start, cancel = m_cancelPreparing](const std::string &source, std::int64_t done,
                                                     std::int64_t total) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        QMetaObject::invokeMethod(
            qApp,
            [self, source = QString::fromStdString(source), done, total, seconds] {
                if (!self) return;
                self->m_progress->setRange(0, int(total));
                setProgressValue(self->m_progress, int(done));
                self->m_progress->setFormat(tr("%v / %m images"));
                self->m_status->setText(DatasetPicker::progressText(source, done, total, seconds));
            },
            Qt::QueuedConnection);
        return !cancel->load(); // Stop, or the window closing
    };
}

void TrainPanel::launch(std::function<std::shared_ptr<Trainer>(const ParallelOptions &)> make,
                        const QString &runDir, const QStringList &rankArguments)
{
    m_error->clear();
    m_ranks.reset();
    m_trainer.reset(); // the last run's data and encoder go before the next one loads its own
    ParallelOptions parallel;
    const int processes = m_processes->value();
    if (processes > 1) {
        if (!QFileInfo(m_cliPath).isExecutable()) {
            m_error->setText(tr("Training with %1 processes needs latent-cli, which is not at %2")
                                 .arg(processes)
                                 .arg(m_cliPath));
            return;
        }
        try {
            parallel.env = localRank(0, processes, freeLocalPort(), "studio");
        } catch (const Error &e) {
            m_error->setText(QString::fromStdString(e.what()));
            return;
        }
        parallel.threads = std::max(1, QThread::idealThreadCount() / processes);
        m_ranks = std::make_unique<LocalRanks>();
        connect(m_ranks.get(), &LocalRanks::rankFailed, this,
                [this](const QString &message) { m_error->setText(message); });
        const QString failed =
            m_ranks->start(m_cliPath, rankArguments, processes, parallel.env.masterPort);
        if (!failed.isEmpty()) {
            m_error->setText(failed);
            m_ranks.reset();
            return;
        }
        // A rank that fails before it joins ends rank 0's wait for it.
        parallel.cancelled = [flag = m_ranks->failedFlag(), cancel = m_cancelPreparing] {
            return flag->load() || cancel->load();
        };
    }
    m_status->setText(tr("Preparing %1 (loading the generator and the real data)…").arg(runDir));
    m_cancelPreparing->store(false);
    m_preparing = true;
    updateButtons();
    runJob(
        *m_worker, "create", this, [make, parallel] { return make(parallel); },
        [this, runDir](std::shared_ptr<Trainer> trainer, const QString &error) {
            m_preparing = false;
            if (error.isEmpty() && m_cancelPreparing->load()) {
                // Stopped after the last image was read: the run stays
                // created, to be resumed from the Runs tab.
                trainer.reset();
                if (m_ranks) m_ranks->finish(0);
                m_status->setText(
                    tr("Stopped before the first step; resume %1 from the Runs tab.").arg(runDir));
                updateButtons();
                Q_EMIT runEnded(runDir);
                Q_EMIT idle();
                return;
            }
            if (!error.isEmpty()) {
                // A rank's own reason says more than rank 0's "cancelled".
                const bool stopped = m_cancelPreparing->load();
                if (!stopped)
                    m_error->setText(m_ranks && !m_ranks->failure().isEmpty() ? m_ranks->failure()
                                                                              : error);
                if (m_ranks) m_ranks->finish(0);
                if (stopped)
                    m_status->setText(tr("Stopped while preparing %1.").arg(runDir));
                else
                    m_status->clear();
                updateButtons();
                Q_EMIT idle();
                return;
            }
            m_runDir = runDir;
            attach(std::move(trainer));
        });
}

void TrainPanel::attach(std::shared_ptr<Trainer> trainer)
{
    m_trainer = std::move(trainer);
    m_running = true;
    showConfig(m_trainer->config());
    m_classNames = m_trainer->classNames();
    resetPlots();
    // A resumed run shows what it logged before.
    for (const MetricRow &row : m_trainer->metrics())
        onMetric(row);
    QPointer<TrainPanel> self(this);
    const auto post = [self](auto fn) {
        QMetaObject::invokeMethod(
            qApp,
            [self, fn] {
                if (self) fn(self.data());
            },
            Qt::QueuedConnection);
    };
    TrainObserver observer;
    observer.metric = [post](const MetricRow &row) {
        post([row](TrainPanel *p) { p->onMetric(row); });
    };
    observer.progress = [post](const TrainProgress &pr) {
        post([pr](TrainPanel *p) { p->onProgress(pr); });
    };
    observer.state = [post](RunState s, const std::string &message) {
        post([s, m = QString::fromStdString(message)](TrainPanel *p) { p->onState(s, m); });
    };
    observer.embedding = [post](const EmbeddingSnapshot &e) {
        post([e](TrainPanel *p) { p->onEmbedding(e); });
    };
    observer.recipeChanged = [post](const RecipeVersion &v) {
        post([from = v.fromStep, label = QString::fromStdString("v" + std::to_string(v.version) +
                                                                ": " + v.recipe.name)](
                 TrainPanel *p) { p->onRecipeChanged(from, label); });
    };
    observer.evaluation = [post](const std::string &kind, std::int64_t done, std::int64_t total) {
        if (kind != "final") return; // online ones are quick subsets
        post([done, total](TrainPanel *p) { p->onFinalEvaluation(done, total); });
    };
    m_trainer->setObserver(std::move(observer));
    m_progress->setRange(0, m_trainer->config().steps);
    setProgressValue(m_progress, m_trainer->step());
    m_trainer->start();
    m_viewTimer->start(2000);
    updateButtons();
    Q_EMIT runStarted(m_runDir);
}

QString TrainPanel::applyRecipe(const ViewRecipe &recipe)
{
    if (!isTraining()) return tr("No run is training: start one in the Train tab first.");
    try {
        m_trainer->changeRecipe(recipe);
    } catch (const Error &e) {
        return QString::fromStdString(e.what());
    }
    m_status->setText(
        tr("Recipe \"%1\" holds from the next step on.").arg(QString::fromStdString(recipe.name)));
    return {};
}

void TrainPanel::onRecipeChanged(int fromStep, const QString &label)
{
    for (auto *p : {m_loss, m_accuracy, m_lrPlot, m_speed})
        p->addMarker(fromStep, tr("recipe %1").arg(label));
}

void TrainPanel::onMetric(const MetricRow &row)
{
    if (row.kind == "train") {
        m_loss->addPoint(m_lossRaw, row.step, row.loss);
        m_smoothed = m_haveSmoothed ? 0.95 * m_smoothed + 0.05 * row.loss : row.loss;
        m_haveSmoothed = true;
        m_loss->addPoint(m_lossSmooth, row.step, m_smoothed);
        m_lrPlot->addPoint(m_lrSeries, row.step, row.lr);
        m_speed->addPoint(m_speedSeries, row.step, row.imagesPerSecond);
    } else {
        const bool final = row.kind == "final";
        m_accuracy->addPoint(final ? m_probeFinal : m_probeOnline, row.step,
                             final ? row.probe : row.onlineProbe());
        m_accuracy->addPoint(final ? m_knnFinal : m_knnOnline, row.step,
                             final ? row.knn : row.onlineKnn());
    }
}

void TrainPanel::onProgress(const TrainProgress &p)
{
    const double minutes = m_trainer ? m_trainer->config().minutes : 0;
    if (minutes > 0) { // a time budget: the bar shows time
        m_progress->setRange(0, int(minutes * 60));
        setProgressValue(m_progress, int(std::min(p.elapsedSeconds, minutes * 60)));
        m_progress->setFormat(tr("step %1 · %2 of %3")
                                  .arg(p.step)
                                  .arg(duration(p.elapsedSeconds), duration(minutes * 60)));
    } else {
        setProgressValue(m_progress, p.step);
        m_progress->setFormat(tr("step %1 / %2").arg(p.step).arg(p.totalSteps));
    }
    const QString ranks = m_ranks ? tr("%1 processes · ").arg(m_ranks->count() + 1) : QString();
    m_status->setText(ranks + tr("loss %1 · %2 images/s · elapsed %3 · ETA %4")
                                  .arg(p.loss, 0, 'f', 4)
                                  .arg(p.imagesPerSecond, 0, 'f', 0)
                                  .arg(duration(p.elapsedSeconds), duration(p.etaSeconds)));
}

void TrainPanel::onFinalEvaluation(std::int64_t done, std::int64_t total)
{
    m_progress->setRange(0, int(total));
    setProgressValue(m_progress, int(done));
    m_progress->setFormat(tr("final evaluation %1 / %2 images").arg(done).arg(total));
    m_status->setText(tr("Final evaluation: encoding the real train and test images (Stop "
                         "cancels it; the checkpoint is kept)"));
    // The steps are done: nothing is left to pause (a click since the last
    // step is undone).
    if (m_paused) pauseOrResume();
    m_pause->setEnabled(false);
}

void TrainPanel::onState(RunState state, const QString &message)
{
    const QString name = QString::fromLatin1(toString(state));
    Q_EMIT stateChanged(name);
    if (state == RunState::Failed)
        m_error->setText(m_ranks && !m_ranks->failure().isEmpty()
                             ? message + "\n" + m_ranks->failure()
                             : message);
    if (state == RunState::Paused)
        m_status->setText(tr("Paused at step %1").arg(m_trainer->step()));
    if (state == RunState::Finished || state == RunState::Stopped || state == RunState::Failed) {
        m_running = false;
        m_viewTimer->stop();
        refreshViews();
        // The other ranks end at the same step; one still waiting (rank 0
        // failed alone) is ended.
        if (m_ranks) m_ranks->finish(15000);
        m_status->setText(state == RunState::Finished
                              ? tr("Finished: %1").arg(m_runDir)
                              : tr("%1 (%2)").arg(name, message.isEmpty() ? m_runDir : message));
        updateButtons();
        Q_EMIT runEnded(m_runDir);
        Q_EMIT idle();
        return;
    }
    updateButtons();
}

void TrainPanel::onEmbedding(const EmbeddingSnapshot &e)
{
    QStringList names;
    for (const auto &n : m_classNames)
        names << QString::fromStdString(n);
    m_embeddingImages = e.images;
    m_embedding->setPoints(QVector<double>(e.x.begin(), e.x.end()),
                           QVector<double>(e.y.begin(), e.y.end()),
                           QVector<int>(e.labels.begin(), e.labels.end()), names,
                           tr("Real validation images, PCA of encoder features (%1, step %2)")
                               .arg(QString::fromStdString(e.kind))
                               .arg(e.step));
}

void TrainPanel::refreshViews()
{
    if (!m_trainer) return;
    const ImageBatch views = m_trainer->latestViews();
    if (views.count > 0) m_views->setCells(cellsOf(views), m_trainer->latestViewColumns());
}

void TrainPanel::pauseOrResume()
{
    if (!m_trainer || !m_pause->isEnabled()) return;
    m_paused = !m_paused;
    if (m_paused)
        m_trainer->pause();
    else
        m_trainer->resume();
    m_pause->setText(m_paused ? tr("&Resume") : tr("&Pause"));
}

void TrainPanel::stopTraining()
{
    if (m_preparing) {
        m_cancelPreparing->store(true);
        m_status->setText(tr("Stopping the preparation…"));
        m_stop->setEnabled(false);
        return;
    }
    if (!m_trainer) return;
    m_trainer->stop();
    m_status->setText(tr("Stopping after the current step…"));
    m_pause->setEnabled(false);
    m_stop->setEnabled(false);
}

void TrainPanel::updateButtons()
{
    const bool running = isTraining();
    m_train->setEnabled(!running);
    // Ranks cannot wait for each other indefinitely; nothing to pause while preparing.
    m_pause->setEnabled(running && !m_ranks && !m_preparing);
    m_stop->setEnabled(running);
    if (!running) {
        m_paused = false;
        m_pause->setText(tr("&Pause"));
    }
    for (QWidget *w : std::initializer_list<QWidget *>{
             m_data, m_dataset, m_budget, m_budgetUnit, m_encoder, m_resolution, m_batch,
             m_optimizer, m_lr, m_device, m_precision, m_processes, m_seed, m_probeEvery, m_name})
        w->setEnabled(!running);
}

} // namespace latent::studio
