// SPDX-License-Identifier: MIT
#include "runspanel.h"

#include "atomicfile.h"
#include "curveplot.h"
#include "error.h"
#include "experimentbox.h"
#include "train/trainer.h"
#include "workerjob.h"

#include <QApplication>
#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>
#include <filesystem>

namespace latent::studio {
namespace {

QString stateText(RunState state)
{
    switch (state) {
    case RunState::Created:
        return RunsPanel::tr("created");
    case RunState::Running:
        return RunsPanel::tr("running");
    case RunState::Paused:
        return RunsPanel::tr("paused");
    case RunState::Stopped:
        return RunsPanel::tr("stopped");
    case RunState::Finished:
        return RunsPanel::tr("finished");
    case RunState::Failed:
        return RunsPanel::tr("failed");
    }
    return {};
}

QString percent(double v)
{
    return std::isnan(v) ? QString() : QString::number(100 * v, 'f', 2) + "%";
}

enum Column { Name, State, Step, Data, Recipe, Encoder, Probe, Knn, Columns };

// Fills one plot per kind for a run: smoothed loss, online and final
// accuracy, and a marker where its recipe changed.
void plotRun(const RunSummary &run, int index, widgets::CurvePlot *loss,
             widgets::CurvePlot *accuracy)
{
    const QColor color = widgets::seriesColor(index);
    const QString name = QString::fromStdString(run.name);
    QVector<double> step, value, probeX, probeY, knnY, finalX, finalProbe, finalKnn;
    double smoothed = 0;
    bool first = true;
    for (const MetricRow &r : run.metrics) {
        if (r.kind == "train") {
            smoothed = first ? r.loss : 0.95 * smoothed + 0.05 * r.loss;
            first = false;
            step << r.step;
            value << smoothed;
        } else if (r.kind == "online") {
            probeX << r.step, probeY << r.onlineProbe(), knnY << r.onlineKnn();
        } else {
            finalX << r.step, finalProbe << r.probe, finalKnn << r.knn;
        }
    }
    if (loss) loss->setData(loss->addSeries(name, color), step, value);
    // Where the run's recipe changed, on both plots.
    for (std::size_t i = 1; i < run.recipes.size(); ++i) {
        const RecipeVersion &v = run.recipes[i];
        const QString label = QObject::tr("%1: recipe v%2: %3")
                                  .arg(name)
                                  .arg(v.version)
                                  .arg(QString::fromStdString(v.recipe.name));
        for (widgets::CurvePlot *plot : {loss, accuracy})
            if (plot) plot->addMarker(v.fromStep, label);
    }
    if (!accuracy) return;
    using M = widgets::CurvePlot::Marker;
    accuracy->setData(accuracy->addSeries(name + QObject::tr(" probe"), color, M::Dot), probeX,
                      probeY);
    accuracy->setData(accuracy->addSeries(name + QObject::tr(" kNN"), color, M::Dot, true, true),
                      probeX, knnY);
    // Final values: diamonds of the run's colour, not repeated in the legend.
    accuracy->setData(accuracy->addSeries(QString(), color, M::Diamond, false), finalX, finalProbe);
    accuracy->setData(accuracy->addSeries(QString(), color, M::Diamond, false), finalX, finalKnn);
}

} // namespace

QString defaultRunsRoot()
{
    const QString env = qEnvironmentVariable("LATENT_STUDIO_RUNS");
    if (!env.isEmpty()) return env;
    const QString saved = QSettings().value("runs/root").toString();
    if (!saved.isEmpty()) return saved;
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath("runs");
}

RunsPanel::RunsPanel(QWidget *parent)
    : QWidget(parent), m_rootLabel(new QLabel), m_list(new QTreeWidget), m_problemLabel(new QLabel),
      m_lossPlot(new widgets::CurvePlot(tr("step"), tr("loss (smoothed)"))),
      m_accuracyPlot(new widgets::CurvePlot(tr("step"), tr("accuracy"))),
      m_resume(new QPushButton(tr("&Resume"))), m_report(new QPushButton(tr("Report…"))),
      m_encoder(new QPushButton(tr("Encoder…"))), m_metrics(new QPushButton(tr("Metrics CSV…"))),
      m_recipe(new QPushButton(tr("Recipe…"))), m_probeL2(new QPushButton(tr("Choose Probe L2"))),
      m_probeL2Result(new QLabel), m_experiment(new ExperimentBox),
      m_probeWorker(std::make_unique<CoalescingWorker>()),
      m_worker(std::make_unique<CoalescingWorker>())
{
    m_list->setObjectName("runList");
    m_lossPlot->setObjectName("runsLossPlot");
    m_accuracyPlot->setObjectName("runsAccuracyPlot");
    m_list->setColumnCount(Columns);
    m_list->setHeaderLabels({tr("Run"), tr("State"), tr("Step"), tr("Data"), tr("Recipe"),
                             tr("Encoder"), tr("Final probe"), tr("Final kNN")});
    m_list->setRootIsDecorated(false);
    m_list->setSortingEnabled(true);
    m_list->sortByColumn(Name, Qt::AscendingOrder);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->setToolTip(tr("Check runs to overlay their curves; select one to export or resume it"));
    m_problemLabel->setObjectName("runProblems");
    m_problemLabel->setWordWrap(true);
    m_problemLabel->setStyleSheet("color: #b00020");
    m_problemLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *refreshButton = new QPushButton(tr("Re&fresh"));
    auto *changeButton = new QPushButton(tr("Folder…"));
    auto *top = new QHBoxLayout;
    top->addWidget(m_rootLabel, 1);
    top->addWidget(changeButton);
    top->addWidget(refreshButton);
    auto *actions = new QHBoxLayout;
    actions->addWidget(new QLabel(tr("Selected run:")));
    for (QPushButton *b : {m_resume, m_report, m_encoder, m_metrics, m_recipe, m_probeL2})
        actions->addWidget(b);
    actions->addStretch(1);
    m_probeL2->setObjectName("runProbeL2");
    m_probeL2->setToolTip(
        tr("Fit the linear probe with L2 penalties from 1e-6 to 1e-2 on the run's checkpoint, "
           "choose on validation, and measure test once at the chosen penalty (the reports fix "
           "it at 1e-4)"));
    m_probeL2Result->setObjectName("runProbeL2Result");
    m_probeL2Result->setWordWrap(true);
    m_probeL2Result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_resume->setToolTip(tr("Continue a stopped or failed run from its last checkpoint"));
    m_report->setToolTip(tr("Markdown or HTML report with the plots, config, recipe and metrics"));

    auto *listPane = new QWidget;
    auto *listLayout = new QVBoxLayout(listPane);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addLayout(top);
    listLayout->addWidget(m_list, 1);
    listLayout->addWidget(m_problemLabel);
    listLayout->addLayout(actions);
    listLayout->addWidget(m_probeL2Result);
    listLayout->addWidget(m_experiment);
    auto *plots = new QWidget;
    auto *plotLayout = new QHBoxLayout(plots);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    plotLayout->addWidget(m_lossPlot);
    plotLayout->addWidget(m_accuracyPlot);
    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(listPane);
    splitter->addWidget(plots);
    splitter->setSizes({380, 400});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    // A completed experiment shows its runs (the folder setting stays).
    connect(m_experiment, &ExperimentBox::finished, this, [this](bool completed) {
        if (completed) setRoot(QDir(m_experiment->folder()).filePath("runs"));
    });
    connect(refreshButton, &QPushButton::clicked, this, &RunsPanel::refresh);
    connect(changeButton, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Runs folder"), m_root);
        if (dir.isEmpty()) return;
        QSettings().setValue("runs/root", dir);
        setRoot(dir);
        Q_EMIT rootChosen(dir);
        if (!m_experiment->isRunning()) m_experiment->setFolder(ExperimentBox::defaultFolder(dir));
    });
    connect(m_list, &QTreeWidget::itemChanged, this, [this] {
        if (!m_updating) updateOverlay();
    });
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &RunsPanel::updateButtons);
    connect(m_resume, &QPushButton::clicked, this, [this] {
        if (const RunSummary *r = selected())
            Q_EMIT resumeRequested(QString::fromStdString(r->dir));
    });
    connect(m_report, &QPushButton::clicked, this, [this] { chooseExport("report"); });
    connect(m_encoder, &QPushButton::clicked, this, [this] { chooseExport("encoder"); });
    connect(m_metrics, &QPushButton::clicked, this, [this] { chooseExport("metrics"); });
    connect(m_recipe, &QPushButton::clicked, this, [this] { chooseExport("recipe"); });
    connect(m_probeL2, &QPushButton::clicked, this, &RunsPanel::chooseProbeL2);
    updateButtons();
}

RunsPanel::~RunsPanel()
{
    m_cancelProbe->store(true); // the probe worker's join returns at the next batch
}

void RunsPanel::setRoot(const QString &dir)
{
    m_root = dir;
    m_rootLabel->setText(tr("Runs in %1").arg(QDir::toNativeSeparators(dir)));
    refresh();
}

void RunsPanel::refresh()
{
    const std::string root = m_root.toStdString();
    runJob(
        *m_worker, "list", this,
        [root] {
            Listing listing;
            namespace fs = std::filesystem;
            std::error_code ec;
            if (!fs::is_directory(root, ec)) return listing;
            std::vector<fs::path> dirs;
            for (const auto &entry : fs::directory_iterator(root, ec))
                if (entry.is_directory(ec)) dirs.push_back(entry.path());
            std::sort(dirs.begin(), dirs.end());
            for (const auto &dir : dirs) {
                if (!isRunFolder(dir.string())) continue; // an export or a report beside the runs
                try {
                    listing.runs.push_back(readRunSummary(dir.string()));
                } catch (const std::exception &e) {
                    listing.problems << QString::fromStdString(e.what());
                    listing.problemDirs << QString::fromStdString(dir.string());
                }
            }
            return listing;
        },
        [this](const Listing &listing, const QString &error) {
            if (!error.isEmpty()) {
                Listing failed;
                failed.problems << error;
                show(failed);
                return;
            }
            show(listing);
        });
}

void RunsPanel::show(const Listing &listing)
{
    QStringList checked = overlaid();
    if (!m_listedOnce) {
        // First load: the newest three runs (names sort by date by default) are overlaid.
        for (std::size_t i = listing.runs.size() > 3 ? listing.runs.size() - 3 : 0;
             i < listing.runs.size(); ++i)
            checked << QString::fromStdString(listing.runs[i].name);
        m_listedOnce = true;
    }
    m_runs = listing.runs;
    m_problems = listing.problems;
    m_updating = true;
    m_list->clear();
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        const RunSummary &r = m_runs[i];
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(Name, QString::fromStdString(r.name));
        item->setText(State, r.interrupted ? tr("interrupted") : stateText(r.status.state));
        // A time budget ends the run, not its (huge) step budget.
        item->setText(Step,
                      r.config.minutes > 0
                          ? tr("%1 (%2 min budget)").arg(r.status.step).arg(r.config.minutes)
                          : QStringLiteral("%1 / %2").arg(r.status.step).arg(r.status.totalSteps));
        item->setText(Data, r.config.data == "real"
                                ? tr("real: %1").arg(QString::fromStdString(r.config.realData))
                                : tr("generated"));
        item->setText(Recipe, QString::fromStdString(r.recipeName));
        item->setText(Encoder, QString::fromStdString(r.config.encoder));
        item->setText(Probe, percent(r.finalProbe));
        item->setText(Knn, percent(r.finalKnn));
        item->setToolTip(State, QString::fromStdString(r.status.message));
        item->setData(Name, Qt::UserRole, int(i));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Name, checked.contains(item->text(Name)) ? Qt::Checked : Qt::Unchecked);
    }
    m_updating = false;
    m_problemLabel->setText(
        m_problems.isEmpty() ? QString() : tr("Not listed:\n%1").arg(m_problems.join('\n')));
    updateOverlay();
    updateButtons();
    Q_EMIT loaded();
}

const RunSummary *RunsPanel::runOf(const QTreeWidgetItem *item) const
{
    if (!item) return nullptr;
    const int i = item->data(Name, Qt::UserRole).toInt();
    return i >= 0 && i < int(m_runs.size()) ? &m_runs[i] : nullptr;
}

void RunsPanel::updateOverlay()
{
    m_lossPlot->clear();
    m_accuracyPlot->clear();
    int index = 0;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_list->topLevelItem(i);
        if (item->checkState(Name) != Qt::Checked) continue;
        if (const RunSummary *r = runOf(item)) plotRun(*r, index++, m_lossPlot, m_accuracyPlot);
    }
}

int RunsPanel::runCount() const
{
    return int(m_runs.size());
}
QStringList RunsPanel::problems() const
{
    return m_problems;
}

QStringList RunsPanel::runNames() const
{
    QStringList names;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i)
        names << m_list->topLevelItem(i)->text(Name);
    return names;
}

void RunsPanel::setOverlaid(const QStringList &names)
{
    m_updating = true;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_list->topLevelItem(i);
        item->setCheckState(Name, names.contains(item->text(Name)) ? Qt::Checked : Qt::Unchecked);
    }
    m_updating = false;
    updateOverlay();
}

QStringList RunsPanel::overlaid() const
{
    QStringList names;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i)
        if (m_list->topLevelItem(i)->checkState(Name) == Qt::Checked)
            names << m_list->topLevelItem(i)->text(Name);
    return names;
}

void RunsPanel::select(const QString &name)
{
    const auto items = m_list->findItems(name, Qt::MatchExactly, Name);
    if (!items.isEmpty()) m_list->setCurrentItem(items.first());
}

const RunSummary *RunsPanel::selected() const
{
    return runOf(m_list->currentItem());
}

void RunsPanel::updateButtons()
{
    const RunSummary *r = selected();
    m_resume->setEnabled(r && (r->status.state == RunState::Stopped ||
                               r->status.state == RunState::Failed || r->interrupted));
    for (QPushButton *b : {m_report, m_metrics, m_recipe})
        b->setEnabled(r != nullptr);
    m_encoder->setEnabled(r && QFile::exists(QString::fromStdString(RunFiles{r->dir}.encoder())));
    m_probeL2->setEnabled(!m_probing && r &&
                          QFile::exists(QString::fromStdString(RunFiles{r->dir}.checkpoint())));
}

void RunsPanel::exportFile(const QString &which, const QString &path)
{
    const RunSummary *r = selected();
    if (!r) {
        Q_EMIT exported(path, tr("Select a run first."));
        return;
    }
    copyInBackground(*r, which, path,
                     [this, path](const QString &error) { Q_EMIT exported(path, error); });
}

// Off the UI thread: a resnet's encoder is tens of MB, written wherever the
// user chose (a network share, a slow stick).
void RunsPanel::copyInBackground(const RunSummary &run, const QString &which, const QString &path,
                                 std::function<void(const QString &error)> done)
{
    runJob(
        *m_worker, "export " + path.toStdString(), this,
        [dir = run.dir, which, path] { return exportFileOf(dir, which, path); },
        [done](const QString &error, const QString &thrown) {
            done(error.isEmpty() ? thrown : error);
        });
}

void RunsPanel::exportReport(const QString &path)
{
    const RunSummary *r = selected();
    if (!r) {
        Q_EMIT exported(path, tr("Select a run first."));
        return;
    }
    exportReportOf(*r, path, [this, path](const QString &error) { Q_EMIT exported(path, error); });
}

void RunsPanel::chooseProbeL2()
{
    const RunSummary *r = selected();
    if (!r || m_probing) return;
    m_probing = true;
    updateButtons();
    const QString name = QString::fromStdString(r->name);
    m_probeL2Result->setText(tr("Choosing the probe L2 of %1: encoding…").arg(name));
    QPointer<QLabel> label(m_probeL2Result);
    const auto progress = [label, name](std::int64_t done, std::int64_t total) {
        QMetaObject::invokeMethod(
            qApp,
            [label, name, done, total] {
                if (label)
                    label->setText(tr("Choosing the probe L2 of %1: encoding %2 / %3 images, then "
                                      "fitting…")
                                       .arg(name)
                                       .arg(done)
                                       .arg(total));
            },
            Qt::QueuedConnection);
    };
    runJob(
        *m_probeWorker, "probe L2", this,
        [dir = r->dir, progress, cancel = m_cancelProbe] {
            return QString::fromStdString(describeProbeL2Choice(
                latent::chooseProbeL2(dir, defaultProbeL2Grid(), cancel.get(), progress)));
        },
        [this, name](const QString &text, const QString &error) {
            m_probing = false;
            updateButtons();
            m_probeL2Result->setText(error.isEmpty() ? name + ": " + text
                                                     : tr("%1: %2").arg(name, error));
            Q_EMIT probeL2Chosen(text, error);
        });
}

QString RunsPanel::exportFileOf(const std::string &runDir, const QString &which,
                                const QString &path)
{
    const RunFiles files{runDir};
    const std::string source = which == "encoder"   ? files.encoder()
                               : which == "metrics" ? files.metricsCsv()
                                                    : files.recipe();
    try {
        writeFileAtomically(
            path.toStdString(),
            readFileCapped(source,
                           QFileInfo(QString::fromStdString(source)).fileName().toStdString(),
                           std::size_t(1) << 31));
    } catch (const Error &e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

// The plots are drawn here (widgets live on the UI thread); encoding them
// and writing the three files, wherever the user chose, is the worker's.
void RunsPanel::exportReportOf(const RunSummary &run, const QString &path,
                               std::function<void(const QString &error)> done)
{
    const QFileInfo info(path);
    const QString base = info.completeBaseName();
    // The run's own plots, drawn off screen at a fixed size.
    widgets::CurvePlot loss(tr("step"), tr("loss (smoothed)")),
        accuracy(tr("step"), tr("accuracy"));
    plotRun(run, 0, &loss, &accuracy);
    struct Figure
    {
        QImage image;
        QString file;
        std::string caption;
    };
    std::vector<Figure> figures;
    for (auto [plot, suffix, caption] :
         {std::tuple{&loss, QStringLiteral("-loss.png"), tr("Training loss (smoothed)")},
          std::tuple{&accuracy, QStringLiteral("-accuracy.png"),
                     tr("Linear probe and kNN on real data (online: dots, final: diamonds)")}}) {
        plot->resize(900, 450);
        figures.push_back({plot->image(), base + suffix, caption.toStdString()});
    }
    const ReportFormat format = info.suffix().compare("html", Qt::CaseInsensitive) == 0 ||
                                        info.suffix().compare("htm", Qt::CaseInsensitive) == 0
                                    ? ReportFormat::Html
                                    : ReportFormat::Markdown;
    runJob(
        *m_worker, "export " + path.toStdString(), this,
        [run, path, dir = info.dir(), figures = std::move(figures), format] {
            std::vector<std::pair<std::string, std::string>> links;
            for (const Figure &f : figures) {
                QByteArray png;
                QBuffer buffer(&png);
                buffer.open(QIODevice::WriteOnly);
                if (!f.image.save(&buffer, "PNG"))
                    return tr("cannot encode the figure %1").arg(f.file);
                writeFileAtomically(dir.filePath(f.file).toStdString(), png.toStdString());
                links.emplace_back(f.caption, f.file.toStdString());
            }
            writeFileAtomically(path.toStdString(), runReport(run, links, format));
            return QString();
        },
        [done](const QString &error, const QString &thrown) {
            done(error.isEmpty() ? thrown : error);
        });
}

void RunsPanel::chooseExport(const QString &which)
{
    const RunSummary *r = selected();
    if (!r) return;
    const QString name = QString::fromStdString(r->name);
    QString filter, suggested;
    if (which == "report") {
        suggested = name + "-report.md";
        filter = tr("Markdown (*.md);;HTML (*.html)");
    } else if (which == "encoder") {
        suggested = name + "-encoder.pt";
        filter = tr("TorchScript (*.pt)");
    } else if (which == "metrics") {
        suggested = name + "-metrics.csv";
        filter = tr("CSV (*.csv)");
    } else {
        suggested = name + ".recipe.json";
        filter = tr("View recipe (*.json)");
    }
    // The listing may be read again while the dialog is open (a run ended):
    // export the run that was selected when the user asked.
    const RunSummary run = *r;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export"), suggested, filter);
    if (path.isEmpty()) return;
    const auto warn = [this](const QString &error) {
        if (!error.isEmpty()) QMessageBox::warning(this, tr("Export"), error);
    };
    if (which == "report")
        exportReportOf(run, path, warn);
    else
        copyInBackground(run, which, path, warn);
}

} // namespace latent::studio
