// SPDX-License-Identifier: MIT
#pragma once

#include "coalescingworker.h"
#include "generators/generator.h"

#include <QList>
#include <QMainWindow>

#include <memory>

class QLabel;
class QMenu;
class QTabWidget;

namespace latent {
struct ViewRecipe;
}

namespace latent::studio {

class ComposerPanel;
class ExplorerPanel;
class ExportDatasetDialog;
class GeneratorPanel;
class RunsPanel;
class TrainPanel;

// The studio window. Owns the loaded generator and its worker threads; the
// UI thread only posts requests to them and shows what comes back.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Loads a generator on the worker thread; the panel shows the result.
    void openGenerator(const QString &path);
    // "samples", "explore", "views", "train", "runs", or "pad" (explore with
    // the latent pad open); unknown names are ignored.
    void showTab(const QString &name);
    // The samples shown as a PNG grid, written on the worker thread.
    void saveGridTo(const QString &path);
    GeneratorPanel *generatorPanel() const { return m_panel; }
    ExplorerPanel *explorerPanel() const { return m_explorer; }
    ComposerPanel *composerPanel() const { return m_composer; }
    TrainPanel *trainPanel() const { return m_train; }
    RunsPanel *runsPanel() const { return m_runs; }
    // Reads a view recipe on a worker, then shows it in the Views tab
    // (asking first when it was made with another generator file); emits
    // recipeOpened.
    void openRecipe(const QString &path);
    // The Views tab's recipe, written on a worker; emits recipeSaved.
    void saveRecipeTo(const QString &path);
    const std::shared_ptr<const Generator> &generator() const { return m_generator; }

Q_SIGNALS:
    void generatorLoaded(const QString &path);
    void generatorFailed(const QString &message);
    void samplesShown();
    void recipeOpened(const QString &path);
    void recipeSaved(const QString &path, const QString &error);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createMenus();
    void requestSamples();
    void saveGrid();
    bool haveSamples(); // says so in the status bar when there are none
    void chooseRecipe();
    void saveRecipeAs();
    void useRecipe(const ViewRecipe &recipe, const QString &path);
    void exportDataset();
    void chooseGenerator();
    void showPreferences();
    void addRecentFile(const QString &path);
    void rebuildRecentMenu();
    void showError(const QString &title, const QString &message);
    // Closing while a run, an experiment or a dataset export runs: asks,
    // then stops them and closes once they have saved (a checkpoint, the
    // experiment's folder, the export's chunk in hand).
    void askToStopAndQuit();
    bool workIsRunning() const;
    void closeIfStopped(); // once askToStopAndQuit's work has stopped
    QList<ExportDatasetDialog *> runningExports() const;

    QTabWidget *m_tabs;
    GeneratorPanel *m_panel;
    ExplorerPanel *m_explorer;
    ComposerPanel *m_composer;
    TrainPanel *m_train;
    RunsPanel *m_runs;
    QMenu *m_recentMenu = nullptr;
    QLabel *m_deviceLabel;
    bool m_quitWhenStopped = false;
    std::shared_ptr<const Generator> m_generator;
    ImageBatch m_lastBatch;
    // The workers are declared last so they are destroyed first: their
    // threads are joined before anything a running job might touch goes away.
    std::unique_ptr<CoalescingWorker> m_worker;
    // Files the user opens and saves (a recipe of a 256 px diffusion model
    // carries tens of MB of direction sets), never queued behind a sampling;
    // its jobs hold copies, not the window's members.
    std::unique_ptr<CoalescingWorker> m_fileWorker;
};

} // namespace latent::studio
