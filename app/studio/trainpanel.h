// SPDX-License-Identifier: MIT
#pragma once

#include "coalescingworker.h"
#include "dist/clusterjob.h"
#include "generators/generator.h"
#include "train/trainconfig.h"
#include "train/trainer.h"
#include "views/viewrecipe.h"

#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTemporaryDir;
class QTimer;

namespace latent {
class Trainer;
struct MetricRow;
struct TrainProgress;
struct EmbeddingSnapshot;
enum class RunState;
namespace widgets {
class CurvePlot;
class EmbeddingPlot;
class ImageGridWidget;
} // namespace widgets
} // namespace latent

namespace latent::studio {

class BatchReplayDialog;
class DatasetPicker;
class LocalRanks;

// The Train tab: settings, Train / Pause / Stop, live curves (loss, accuracy,
// learning rate, throughput), the views being fed to the encoder and a PCA
// embedding of real test images. Training runs on the engine's own threads;
// everything it reports is queued to the UI thread.
class TrainPanel : public QWidget
{
    Q_OBJECT
public:
    // `recipe` gives the composer's current recipe, `generatorPath` the
    // loaded generator file (empty when none).
    TrainPanel(std::function<ViewRecipe()> recipe, std::function<QString()> generatorPath,
               QWidget *parent = nullptr);
    ~TrainPanel() override;

    void setRunsRoot(const QString &dir);
    // latent-cli, which runs ranks 1..N-1 of a run with several processes
    // (default: beside the studio's executable).
    void setCliPath(const QString &path) { m_cliPath = path; }
    void setProcesses(int n); // the Processes box
    // Writes the form's run as a cluster job (config, recipe, Slurm script,
    // torchrun command) into `folder` on the file worker: the folder may be
    // a slow share and the recipe tens of MB. Ends with clusterJobExported().
    void exportClusterJob(const QString &folder, const ClusterJob &job);
    QString runsRoot() const { return m_runsRoot; }
    // The settings of the form as a config (data source and budget included).
    TrainConfig configFromForm() const;
    bool isTraining() const;
    QString currentRunDir() const { return m_runDir; }

    // Plot access for tests and reports.
    widgets::CurvePlot *lossPlot() const { return m_loss; }
    widgets::CurvePlot *accuracyPlot() const { return m_accuracy; }
    // The recipe of the run in progress from its next step on (the Views
    // tab's "Apply to the Running Training"). Returns why it was refused,
    // empty when applied.
    QString applyRecipe(const ViewRecipe &recipe);
    // The batch of a step of the current run, made again (a click on the loss curve).
    void showBatchOfStep(int step);
    BatchReplayDialog *batchDialog() const { return m_batchDialog; }

public Q_SLOTS:
    void startTraining();
    void pauseOrResume();
    void stopTraining();
    void resumeRun(const QString &runDir); // continue a stopped run from its checkpoint
    void exportClusterJobDialog();
    // A loaded generator's matching real data (its sidecar's real_data);
    // becomes the real dataset unless empty.
    void suggestDataset(const QString &source);

Q_SIGNALS:
    void clusterJobExported(const QString &folder, const QString &error); // empty: written
    void runStarted(const QString &runDir);
    void runEnded(const QString &runDir); // finished, stopped or failed
    void stateChanged(const QString &state);
    // No run is training or being prepared any more: after runEnded, or a
    // preparation that failed or was stopped.
    void idle();

private:
    // Creates the run's trainer (rank 0) on the worker; with several
    // processes, first starts ranks 1..N-1 as latent-cli `rankArguments`.
    void launch(std::function<std::shared_ptr<Trainer>(const ParallelOptions &)> make,
                const QString &runDir, const QStringList &rankArguments);
    QString runName() const;
    void attach(std::shared_ptr<Trainer> trainer);
    // The form shows a run's settings while it trains (a resumed run's own,
    // not the form's last ones).
    void showConfig(const TrainConfig &config);
    void resetPlots();
    void onMetric(const MetricRow &row);
    void onProgress(const TrainProgress &p);
    void onState(RunState state, const QString &message);
    void onEmbedding(const EmbeddingSnapshot &snapshot);
    void onFinalEvaluation(std::int64_t done, std::int64_t total);
    void onRecipeChanged(int fromStep, const QString &label); // a marker on every curve
    DataLoadProgress loadingReporter(); // posts dataset reading to the status line
    void refreshViews();
    void updateButtons();

    std::function<ViewRecipe()> m_recipe;
    std::function<QString()> m_generatorPath;
    QString m_runsRoot;
    QString m_runDir;

    QComboBox *m_data;
    DatasetPicker *m_dataset;
    QSpinBox *m_budget;
    QComboBox *m_budgetUnit;
    QComboBox *m_encoder;
    QSpinBox *m_resolution;
    QSpinBox *m_batch;
    QComboBox *m_optimizer;
    QDoubleSpinBox *m_lr;
    QComboBox *m_device;
    QComboBox *m_precision;
    QSpinBox *m_processes;
    QSpinBox *m_seed;
    QSpinBox *m_probeEvery;
    QLineEdit *m_name;
    QPushButton *m_train, *m_pause, *m_stop, *m_exportJob;
    QProgressBar *m_progress;
    QLabel *m_status;
    QLabel *m_error;
    widgets::ImageGridWidget *m_views;
    widgets::CurvePlot *m_loss, *m_accuracy, *m_lrPlot, *m_speed;
    widgets::EmbeddingPlot *m_embedding;
    QLabel *m_pointImage;
    QTimer *m_viewTimer;
    BatchReplayDialog *m_batchDialog = nullptr; // made at the first click

    int m_lossRaw = -1, m_lossSmooth = -1, m_probeOnline = -1, m_knnOnline = -1, m_probeFinal = -1,
        m_knnFinal = -1, m_lrSeries = -1, m_speedSeries = -1;
    double m_smoothed = 0;
    bool m_haveSmoothed = false;
    bool m_paused = false;
    // A run being created or opened on the worker (no trainer yet): Train
    // and Resume wait for it, Stop cancels its data loading.
    bool m_preparing = false;
    // A trainer attached until its end state reaches this thread: the
    // trainer's own state() runs ahead of the queued onState().
    bool m_running = false;
    std::shared_ptr<std::atomic<bool>> m_cancelPreparing = std::make_shared<std::atomic<bool>>();
    std::vector<std::string> m_classNames;
    ImageBatch m_embeddingImages; // the embedding's points, for the hover preview

    std::shared_ptr<Trainer> m_trainer;
    QString m_cliPath;
    std::unique_ptr<LocalRanks> m_ranks;            // ranks 1..N-1 of a several-process run
    std::unique_ptr<QTemporaryDir> m_jobFiles;      // their config and recipe
    std::unique_ptr<CoalescingWorker> m_fileWorker; // cluster jobs: not behind a run's creation
    // Creating a run loads the generator and the real data (seconds): off
    // the UI thread. Declared last: joined first.
    std::unique_ptr<CoalescingWorker> m_worker;
};

} // namespace latent::studio
