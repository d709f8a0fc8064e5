// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "composerpanel.h"
#include "error.h"
#include "experimentbox.h"
#include "explorerpanel.h"
#include "exportdatasetdialog.h"
#include "generatorpanel.h"
#include "generators/generatorinfo.h"
#include "imagegrid.h"
#include "paths.h"
#include "preferencesdialog.h"
#include "reportcardbox.h"
#include "runspanel.h"
#include "runtime.h"
#include "trainpanel.h"
#include "views/viewrecipe.h"
#include "widgethelpers.h"
#include "workerjob.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>

#include <opencv2/core.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace latent::studio {
namespace {
constexpr int kMaxRecentFiles = 8;
const char *kRecentKey = "generator/recent";
const char *kLastKey = "generator/last";

QString localPathOf(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1) return {};
    const QString path = mime->urls().first().toLocalFile();
    return path.endsWith(".pt", Qt::CaseInsensitive) || path.endsWith(".json", Qt::CaseInsensitive)
               ? path
               : QString();
}
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_tabs(new QTabWidget), m_panel(new GeneratorPanel),
      m_explorer(new ExplorerPanel), m_composer(new ComposerPanel),
      m_train(new TrainPanel([this] { return m_composer->recipe(); },
                             [this] {
                                 return m_generator ? QString::fromStdString(m_generator->path())
                                                    : QString();
                             })),
      m_runs(new RunsPanel), m_worker(std::make_unique<CoalescingWorker>()),
      m_fileWorker(std::make_unique<CoalescingWorker>())
{
    setWindowTitle(tr("Latent Studio"));
    m_tabs->setObjectName("tabs");
    withoutPageFrame(m_tabs);
    m_tabs->addTab(m_panel, tr("&Samples"));
    m_tabs->addTab(m_explorer, tr("&Explore"));
    m_tabs->addTab(m_composer, tr("&Views"));
    m_tabs->addTab(m_train, tr("&Train"));
    m_tabs->addTab(m_runs, tr("&Runs"));
    m_train->setRunsRoot(defaultRunsRoot());
    m_runs->setRoot(defaultRunsRoot());
    m_runs->experimentBox()->setFolder(ExperimentBox::defaultFolder(defaultRunsRoot()));
    // The Train tab writes where the Runs tab's Folder... points; a run that
    // starts is listed even while the Runs tab shows an experiment's runs.
    connect(m_runs, &RunsPanel::rootChosen, m_train, &TrainPanel::setRunsRoot);
    connect(m_train, &TrainPanel::runStarted, m_runs, [this] {
        if (QDir(m_runs->root()) != QDir(m_train->runsRoot()))
            m_runs->setRoot(m_train->runsRoot());
        else
            m_runs->refresh();
    });
    connect(m_train, &TrainPanel::runEnded, m_runs, &RunsPanel::refresh);
    // Quitting waits for a stopping run, experiment and export (askToStopAndQuit).
    connect(m_train, &TrainPanel::idle, this, &MainWindow::closeIfStopped);
    connect(m_runs->experimentBox(), &ExperimentBox::finished, this, &MainWindow::closeIfStopped);
    connect(m_runs, &RunsPanel::resumeRequested, this, [this](const QString &dir) {
        m_tabs->setCurrentWidget(m_train);
        m_train->resumeRun(dir);
    });
    connect(m_train, &TrainPanel::stateChanged, this, [this](const QString &state) {
        m_composer->setTrainingActive(state == "running" || state == "paused");
    });
    connect(m_composer, &ComposerPanel::applyToTrainingRequested, this, [this] {
        const ViewRecipe recipe = m_composer->recipe();
        const QString error = m_train->applyRecipe(recipe);
        m_composer->showApplyResult(
            error.isEmpty() ? tr("Applied: the run in the Train tab trains on \"%1\" from its "
                                 "next step.")
                                  .arg(QString::fromStdString(recipe.name))
                            : error,
            error.isEmpty());
    });
    connect(m_explorer, &ExplorerPanel::directionSetsChanged, this,
            [this] { m_composer->setDirectionSets(m_explorer->directionSets()); });
    connect(m_composer, &ComposerPanel::directionSetsLoaded, this,
            [this](const std::vector<DirectionSet> &sets) {
                for (const DirectionSet &s : sets)
                    m_explorer->addDirectionSet(s);
            });
    setCentralWidget(m_tabs);
    setAcceptDrops(true);
    createMenus();

    m_deviceLabel = new QLabel(tr("Device: %1 · %2 threads · LibTorch %3")
                                   .arg(QString::fromStdString(preferredDeviceName()))
                                   .arg(torchThreads())
                                   .arg(QString::fromStdString(torchVersion())));
    m_deviceLabel->setObjectName("deviceLabel");
    statusBar()->addPermanentWidget(m_deviceLabel);

    connect(m_panel, &GeneratorPanel::sampleRequestChanged, this, &MainWindow::requestSamples);
    connect(m_panel, &GeneratorPanel::samplerSettingsChanged, this, [this] {
        if (!m_generator) return;
        try {
            // Samples, the explorer and previews of recipes without their own settings.
            m_generator->setSamplerSettings(m_panel->samplerSettings());
        } catch (const Error &e) {
            statusBar()->showMessage(QString::fromStdString(e.what()));
            return;
        }
        requestSamples();
    });
    connect(m_panel, &GeneratorPanel::saveGridRequested, this, &MainWindow::saveGrid);

    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray())) {
        // First start: large enough for the Train tab's settings and curves
        // without scrolling, within the screen's free area.
        QSize size(1400, 960);
        if (const QScreen *screen = QGuiApplication::primaryScreen())
            size = size.boundedTo(screen->availableGeometry().size() * 0.95);
        resize(size);
    }
    restoreState(settings.value("window/state").toByteArray());
}

MainWindow::~MainWindow()
{
    // Samplings queued on the workers (a diffusion model's grid, preview and
    // explorer: minutes on the CPU) end at their next step, before the
    // workers are joined below, so the process ends with the window instead
    // of after them. Not at close: a closed window can be shown again.
    if (m_generator) m_generator->abandon();
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open Generator…"), this, &MainWindow::chooseGenerator);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    QMenu *shipped = file->addMenu(tr("Open S&hipped Generator"));
    shipped->setObjectName("shippedGeneratorsMenu");
    for (const std::string &pt :
         shippedGeneratorPaths(QApplication::applicationDirPath().toStdString())) {
        const QString path = QString::fromStdString(pt);
        QString name = QFileInfo(path).completeBaseName();
        try { // the sidecar's name, when it reads
            const auto sidecar = std::filesystem::path(pt).replace_extension(".json").string();
            name = QString::fromStdString(readSidecar(sidecar).name) + " (" + name + ")";
        } catch (const Error &) {
        }
        shipped->addAction(name, this, [this, path] { openGenerator(path); })->setToolTip(path);
    }
    shipped->setEnabled(!shipped->isEmpty());
    QAction *save = file->addAction(tr("&Save Grid as PNG…"), this, &MainWindow::saveGrid);
    save->setShortcut(QKeySequence::Save);
    file->addSeparator();
    file->addAction(tr("Open &View Recipe…"), this, &MainWindow::chooseRecipe);
    file->addAction(tr("Save View Recipe &As…"), this, &MainWindow::saveRecipeAs);
    file->addAction(tr("&Export Dataset…"), this, &MainWindow::exportDataset)
        ->setObjectName("exportDatasetAction");
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *prefs = edit->addAction(tr("&Preferences…"), this, &MainWindow::showPreferences);
    prefs->setShortcut(QKeySequence::Preferences);
    prefs->setMenuRole(QAction::PreferencesRole);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Latent Studio"), this, [this] {
        QMessageBox::about(this, tr("About Latent Studio"),
                           tr("<b>Latent Studio %1</b><p>Generative models as a data source for "
                              "multiview representation learning.</p><p>LibTorch %2, Qt %3</p>")
                               .arg(QApplication::applicationVersion(),
                                    QString::fromStdString(torchVersion()), qVersion()));
    });
}

void MainWindow::showPreferences()
{
    PreferencesDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted && dialog.apply())
        statusBar()->showMessage(tr("The language changes when Latent Studio starts again."),
                                 10000);
}

void MainWindow::showTab(const QString &name)
{
    const QStringList names{"samples", "explore", "views", "train", "runs"};
    if (names.contains(name)) m_tabs->setCurrentIndex(static_cast<int>(names.indexOf(name)));
    if (name == "pad") {
        m_tabs->setCurrentWidget(m_explorer);
        m_explorer->showLatentPad();
    }
}

void MainWindow::chooseGenerator()
{
    const QString start =
        m_generator ? QFileInfo(QString::fromStdString(m_generator->path())).absolutePath()
                    : QDir::homePath();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Generator"), start, tr("TorchScript generators (*.pt);;All files (*)"));
    if (!path.isEmpty()) openGenerator(path);
}

void MainWindow::openGenerator(const QString &path)
{
    m_panel->showLoading(path);
    statusBar()->showMessage(tr("Loading %1…").arg(path));
    using Loaded = std::pair<std::shared_ptr<const Generator>, std::string>; // generator, SHA-256
    const std::string file = path.toStdString();
    runJob(
        *m_worker, "load", this,
        [file] {
            // Load first: its errors say what is wrong with the file.
            auto generator = Generator::load(file);
            return Loaded(std::move(generator), sha256OfFile(file));
        },
        [this, path](const Loaded &loaded, const QString &error) {
            const auto &[gen, sha] = loaded;
            if (!error.isEmpty()) {
                m_panel->showLoadError(error);
                if (m_generator) {
                    // Keep working with the previous generator, and with the
                    // panel's settings for it (its sampler, class, truncation:
                    // showGenerator would reset them to the sidecar's while
                    // the generator kept the user's).
                    m_panel->setEnabled(true);
                    requestSamples();
                }
                statusBar()->showMessage(tr("Could not load %1").arg(path));
                showError(tr("Could not load generator"), error);
                Q_EMIT generatorFailed(error);
                return;
            }
            m_generator = gen;
            m_lastBatch = {}; // the last generator's samples are not this one's
            // The composer first: the explorer's new sets ask it for a
            // preview, which must render with the new generator.
            m_composer->setGenerator(gen, sha);
            m_explorer->setGenerator(gen);
            m_runs->experimentBox()->setGenerator(QString::fromStdString(gen->path()),
                                                  gen->info().isDiffusion());
            m_train->suggestDataset(QString::fromStdString(gen->info().realData));
            m_panel->showGenerator(gen->path(), gen->info(), gen->report(), gen->hasSidecar());
            m_panel->reportCardBox()->setGenerator(gen,
                                                   QString::fromStdString(gen->info().realData));
            setWindowTitle(tr("%1 — Latent Studio").arg(QString::fromStdString(gen->info().name)));
            statusBar()->showMessage(tr("Loaded %1").arg(path), 5000);
            addRecentFile(QFileInfo(path).absoluteFilePath());
            QSettings().setValue(kLastKey, QFileInfo(path).absoluteFilePath());
            Q_EMIT generatorLoaded(path);
            requestSamples();
        });
}

void MainWindow::requestSamples()
{
    if (!m_generator) return;
    const SampleRequest request = m_panel->sampleRequest();
    std::shared_ptr<const Generator> gen = m_generator;
    struct Timed
    {
        ImageBatch batch;
        double seconds = 0;
    };
    runJob(
        *m_worker, "sample", this,
        [gen, request] {
            const auto t0 = std::chrono::steady_clock::now();
            Timed out{gen->sample(request)};
            out.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            return out;
        },
        [this, gen, request](const Timed &timed, const QString &error) {
            // A result for a generator that has since been replaced is stale.
            if (m_generator != gen) return;
            if (!error.isEmpty()) {
                statusBar()->showMessage(tr("Sampling failed: %1").arg(error));
                m_lastBatch = {};
                m_panel->showSampleError(error);
                return;
            }
            m_lastBatch = timed.batch;
            m_panel->showSamples(timed.batch, gen->info(), request);
            m_panel->showSamplingRate(timed.batch.count, timed.seconds);
            Q_EMIT samplesShown();
        });
}

bool MainWindow::haveSamples()
{
    if (m_lastBatch.count == 0) statusBar()->showMessage(tr("No samples to save yet"), 5000);
    return m_lastBatch.count > 0;
}

void MainWindow::saveGrid()
{
    if (!haveSamples()) return; // before asking for a file
    QFileDialog dialog(this, tr("Save Grid as PNG"), QDir::home().filePath("samples.png"),
                       tr("PNG images (*.png)"));
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setDefaultSuffix("png"); // before the overwrite question, not after it
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty()) return;
    saveGridTo(dialog.selectedFiles().front());
}

void MainWindow::saveGridTo(const QString &path)
{
    if (!haveSamples()) return;
    // The grid as shown: a square of side^2 samples, whatever the Grid box
    // says while its next batch is on the way.
    const ImageBatch batch = m_lastBatch;
    const int columns = std::max(1, int(std::lround(std::sqrt(double(batch.count)))));
    statusBar()->showMessage(tr("Saving %1…").arg(path));
    runJob(
        *m_worker, "save:" + path.toStdString(), this,
        [batch, columns, path] {
            savePng(makeGrid(batch, columns), path.toStdString());
            return true;
        },
        [this, path](bool, const QString &error) {
            if (error.isEmpty())
                statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
            else
                showError(tr("Could not save the grid"), error);
        });
}

void MainWindow::chooseRecipe()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open View Recipe"), QDir::homePath(), tr("View recipes (*.json);;All files (*)"));
    if (!path.isEmpty()) openRecipe(path);
}

void MainWindow::openRecipe(const QString &path)
{
    statusBar()->showMessage(tr("Opening %1…").arg(path));
    runJob(
        *m_fileWorker, "recipe", this, [path] { return readRecipe(path.toStdString()); },
        [this, path](const ViewRecipe &recipe, const QString &readError) {
            if (!readError.isEmpty()) {
                statusBar()->clearMessage();
                showError(tr("Could not open the recipe"), readError);
                return;
            }
            useRecipe(recipe, path);
        });
}

void MainWindow::useRecipe(const ViewRecipe &recipe, const QString &path)
{
    QString error;
    auto result = m_composer->useRecipe(recipe, path, false, &error);
    if (result == ComposerPanel::OpenResult::GeneratorMismatch) {
        const auto answer =
            QMessageBox::warning(this, tr("Different generator"),
                                 error + "\n\n" + tr("Use the recipe with the loaded generator?"),
                                 QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            statusBar()->clearMessage();
            return;
        }
        result = m_composer->useRecipe(recipe, path, true, &error);
    }
    if (result == ComposerPanel::OpenResult::Failed) {
        statusBar()->clearMessage();
        showError(tr("Could not open the recipe"), error);
        return;
    }
    m_tabs->setCurrentWidget(m_composer);
    statusBar()->showMessage(tr("Opened %1").arg(path), 5000);
    Q_EMIT recipeOpened(path);
}

// The Views tab's recipe, as it stands, with the generator in use.
void MainWindow::exportDataset()
{
    if (!m_generator) {
        showError(tr("Nothing to export"), tr("Open a generator first."));
        return;
    }
    auto *dialog = new ExportDatasetDialog(m_generator, m_composer->recipe(), this);
    dialog->setObjectName("exportDatasetDialog");
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ExportDatasetDialog::exportEnded, this, [this](bool, const QString &error) {
        if (m_quitWhenStopped && !error.isEmpty()) { // its window shows why; do not close over it
            m_quitWhenStopped = false;
            m_tabs->setEnabled(true);
            statusBar()->showMessage(tr("Not quitting: the dataset export failed"));
            return;
        }
        closeIfStopped();
    });
    dialog->show();
}

void MainWindow::saveRecipeAs()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Save View Recipe"),
                                                QDir::home().filePath("recipe.recipe.json"),
                                                tr("View recipes (*.recipe.json *.json)"));
    if (path.isEmpty()) return;
    if (!path.endsWith(".json", Qt::CaseInsensitive)) path += ".recipe.json";
    saveRecipeTo(path);
}

void MainWindow::saveRecipeTo(const QString &path)
{
    // The recipe as it stands now, written on a worker.
    const ViewRecipe recipe = m_composer->recipe();
    statusBar()->showMessage(tr("Saving %1…").arg(path));
    runJob(
        *m_fileWorker, "save:" + path.toStdString(), this,
        [recipe, path] {
            writeRecipe(recipe, path.toStdString());
            return true;
        },
        [this, path](bool, const QString &error) {
            if (error.isEmpty())
                statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
            else
                showError(tr("Could not save the recipe"), error);
            Q_EMIT recipeSaved(path, error);
        });
}

void MainWindow::showError(const QString &title, const QString &message)
{
    // Non-modal so that no nested event loop runs while the worker posts results.
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::addRecentFile(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecentFiles)
        recent.removeLast();
    settings.setValue(kRecentKey, recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString &path : recent)
        m_recentMenu
            ->addAction(QFileInfo(path).fileName(), this, [this, path] { openGenerator(path); })
            ->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

QList<ExportDatasetDialog *> MainWindow::runningExports() const
{
    QList<ExportDatasetDialog *> running;
    for (ExportDatasetDialog *d : findChildren<ExportDatasetDialog *>())
        if (d->running()) running.append(d);
    return running;
}

bool MainWindow::workIsRunning() const
{
    return m_train->isTraining() || m_runs->experimentBox()->isRunning() ||
           !runningExports().isEmpty();
}

void MainWindow::closeIfStopped()
{
    if (m_quitWhenStopped && !workIsRunning())
        QMetaObject::invokeMethod(this, &QWidget::close, Qt::QueuedConnection);
}

void MainWindow::askToStopAndQuit()
{
    if (findChild<QMessageBox *>("quitWhileRunning")) return; // already asking
    QString question;
    if (m_train->isTraining())
        question = tr("A run is training. Stop it and quit? It saves a checkpoint first; resume "
                      "it later from the Runs tab.");
    else if (m_runs->experimentBox()->isRunning())
        question = tr("An experiment is running. Stop it and quit? Its finished runs are kept; "
                      "run it again on the same folder to resume.");
    else
        question = tr("A dataset export is running. Stop it and quit? It stops after the chunk in "
                      "hand; export again to the same folder with the same settings to continue.");
    auto *box = new QMessageBox(QMessageBox::Question, tr("Quit Latent Studio"), question,
                                QMessageBox::Cancel, this);
    box->setObjectName("quitWhileRunning");
    QPushButton *stopAndQuit = box->addButton(tr("&Stop and Quit"), QMessageBox::AcceptRole);
    stopAndQuit->setObjectName("stopAndQuitButton");
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    // Not exec(): no nested event loop while workers post their results.
    connect(box, &QMessageBox::buttonClicked, this, [this, stopAndQuit](QAbstractButton *b) {
        if (b != stopAndQuit) return;
        m_quitWhenStopped = true;
        m_tabs->setEnabled(false); // nothing new starts while the window waits to close
        if (m_train->isTraining()) m_train->stopTraining();
        if (m_runs->experimentBox()->isRunning()) m_runs->experimentBox()->stop();
        for (ExportDatasetDialog *d : runningExports())
            d->reject(); // stops after its chunk in hand, then closes
        statusBar()->showMessage(tr("Stopping; the window closes when the work is saved…"));
        if (!workIsRunning()) close();
    });
    box->open();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (workIsRunning()) {
        event->ignore();
        if (!m_quitWhenStopped) askToStopAndQuit();
        return;
    }
    // A recipe being saved is written before the window goes (the worker's
    // destructor would drop a save still queued): seconds at most.
    m_fileWorker->waitForIdle();
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    m_explorer->closeLatentPad();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!localPathOf(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QString path = localPathOf(event->mimeData());
    if (path.isEmpty()) return;
    event->acceptProposedAction();
    if (path.endsWith(".json", Qt::CaseInsensitive))
        openRecipe(path);
    else
        openGenerator(path);
}

} // namespace latent::studio
