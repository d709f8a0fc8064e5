// SPDX-License-Identifier: MIT
#pragma once

#include "eval/reportcard.h"
#include "train/trainconfig.h"
#include "views/directions.h"

#include <QGroupBox>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace latent {
class ExperimentRunner;
struct ExperimentOptions;
} // namespace latent

namespace latent::studio {

// The paper-table experiment as a preset of the Runs tab: budget, seeds and
// folder, Run / Stop with progress and an ETA for the whole experiment, and
// the results when it completes. The experiment runs on its own thread
// (core's ExperimentRunner); running it again on the same folder resumes.
class ExperimentBox : public QGroupBox
{
    Q_OBJECT
public:
    explicit ExperimentBox(QWidget *parent = nullptr);
    ~ExperimentBox() override;

    void setFolder(const QString &dir);
    QString folder() const;
    // The folder to propose for a runs folder: RUNS/paper-table, or the
    // experiment itself when RUNS is an experiment's runs/ (walks.json or
    // results.md beside it: a table without rows d and e has no walks), so
    // that a table's runs are not nested under another table.
    static QString defaultFolder(const QString &runsRoot);
    // The generator the table samples; a diffusion generator presets the
    // affordable table (rows a, b, c, r at sigma 0.4, an anchor pool), a GAN
    // the paper's (rows a to g, the sigma sweep, fresh anchors). While a
    // table runs its settings stay; the new preset follows when it ends.
    void setGenerator(const QString &path, bool diffusion);
    // Everything but the budget and seeds (tests use a small dataset).
    void setBaseConfig(const TrainConfig &config) { m_base = config; }
    void setWalkOptions(const SteerOptions &options) { m_walks = options; }
    void setReportCardOptions(const ReportCardOptions &options) { m_card = options; }
    bool isRunning() const { return m_thread.joinable(); }

    void start();
    void stop();

Q_SIGNALS:
    // completed: the table and figures are written; otherwise stopped or failed.
    void finished(bool completed, const QString &message);

private:
    void onFinished(bool completed, const QString &message, const QString &reportPath);
    void setSettingsEnabled(bool on);
    // The options of the box's fields, or why they are not valid.
    bool readOptions(ExperimentOptions &options, QString &error) const;
    QString commandLine(const ExperimentOptions &options) const;

    QDoubleSpinBox *m_budget;
    QComboBox *m_budgetUnit; // minutes or steps per run
    QSpinBox *m_seeds;
    QComboBox *m_encoder;
    QComboBox *m_precision;
    std::vector<std::pair<QString, QCheckBox *>> m_rows; // a to g, r
    QLineEdit *m_sigmas;                                 // row c's sweep
    QDoubleSpinBox *m_sigma;                             // rows e, f, g; 0: on validation
    QSpinBox *m_anchorPool, *m_anchorRefresh;
    QDoubleSpinBox *m_renoise; // row r
    QLineEdit *m_folder;
    QPushButton *m_browse;
    bool m_diffusion = false; // row r and its strength apply
    QPushButton *m_run, *m_stop, *m_open;
    QProgressBar *m_progress;
    QLabel *m_status;
    QString m_generator;
    std::optional<std::pair<QString, bool>> m_nextGenerator; // loaded while a table ran
    QString m_report;
    QString m_lastLog;
    TrainConfig m_base;
    SteerOptions m_walks;
    ReportCardOptions m_card;
    std::unique_ptr<ExperimentRunner> m_runner;
    std::thread m_thread;
};

} // namespace latent::studio
