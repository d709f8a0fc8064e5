// SPDX-License-Identifier: MIT
#pragma once

#include "coalescingworker.h"
#include "train/runsummary.h"

#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace latent::widgets {
class CurvePlot;
}

namespace latent::studio {
class ExperimentBox;

// The Runs tab: every run folder under the runs root with its recipe,
// config and final metrics (unreadable folders listed with the reason),
// curves of the checked runs overlaid, and exports of the selected run
// (report, encoder, metrics CSV, recipe). Folders are read on a worker.
class RunsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RunsPanel(QWidget *parent = nullptr);
    ~RunsPanel() override;

    void setRoot(const QString &dir);
    QString root() const { return m_root; }
    void refresh(); // re-reads the folder (asynchronously); emits loaded()

    int runCount() const;                       // readable runs
    QStringList problems() const;               // one line per unreadable folder
    QStringList runNames() const;               // readable runs, as listed
    void setOverlaid(const QStringList &names); // checks exactly these runs
    QStringList overlaid() const;
    void select(const QString &name);
    const RunSummary *selected() const;

    widgets::CurvePlot *lossPlot() const { return m_lossPlot; }
    ExperimentBox *experimentBox() const { return m_experiment; }
    widgets::CurvePlot *accuracyPlot() const { return m_accuracyPlot; }

    // Exports of the selected run, written on the worker; each ends with
    // exported(). The report (Markdown, or HTML by its suffix) writes its two
    // figures beside it; a file (encoder, metrics, recipe) is copied.
    void exportReport(const QString &path);
    void exportFile(const QString &which, const QString &path);
    // The selected run's probe L2 chosen on its validation part (the reports
    // fix it), on its checkpoint, on the probe worker; the result shows
    // under the buttons and ends with probeL2Chosen().
    void chooseProbeL2();

Q_SIGNALS:
    void loaded();
    void resumeRequested(const QString &runDir);
    void rootChosen(const QString &dir); // with Folder...: where new runs go too
    void exported(const QString &path, const QString &error); // an export's end; empty: written
    void probeL2Chosen(const QString &text, const QString &error);

private:
    void exportReportOf(const RunSummary &run, const QString &path,
                        std::function<void(const QString &error)> done);
    static QString exportFileOf(const std::string &runDir, const QString &which,
                                const QString &path);
    void copyInBackground(const RunSummary &run, const QString &which, const QString &path,
                          std::function<void(const QString &error)> done);
    struct Listing
    {
        std::vector<RunSummary> runs;
        QStringList problems;
        QStringList problemDirs;
    };
    void show(const Listing &listing);
    void updateOverlay();
    void updateButtons();
    void chooseExport(const QString &which);
    const RunSummary *runOf(const QTreeWidgetItem *item) const;

    QString m_root;
    QLabel *m_rootLabel;
    QTreeWidget *m_list;
    QLabel *m_problemLabel;
    widgets::CurvePlot *m_lossPlot, *m_accuracyPlot;
    QPushButton *m_resume, *m_report, *m_encoder, *m_metrics, *m_recipe, *m_probeL2;
    QLabel *m_probeL2Result;
    std::shared_ptr<std::atomic<bool>> m_cancelProbe = std::make_shared<std::atomic<bool>>(false);
    bool m_probing = false;
    ExperimentBox *m_experiment;
    std::vector<RunSummary> m_runs;
    QStringList m_problems;
    bool m_updating = false;
    bool m_listedOnce = false;
    // Choosing a probe L2 encodes the whole dataset (minutes): not in front of listings.
    std::unique_ptr<CoalescingWorker> m_probeWorker;
    std::unique_ptr<CoalescingWorker> m_worker; // last: joined first
};

// Where runs are kept: $LATENT_STUDIO_RUNS, else the setting, else the
// application data folder's runs/.
QString defaultRunsRoot();

} // namespace latent::studio
