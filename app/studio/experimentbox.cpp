// SPDX-License-Identifier: MIT
#include "experimentbox.h"

#include "durationtext.h"
#include "error.h"
#include "eval/experiment.h"
#include "eval/experimentrunner.h"
#include "widgethelpers.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QUrl>

namespace latent::studio {
namespace {

QString duration(double seconds)
{
    return QString::fromStdString(formatDuration(seconds));
}

// A step budget for a user who switches from minutes: about what 4 minutes
// give on 2 cores (docs/results.md).
constexpr int kDefaultBudgetSteps = 500;

} // namespace

ExperimentBox::ExperimentBox(QWidget *parent)
    : QGroupBox(tr("Experiment: the paper's comparison"), parent), m_budget(new QDoubleSpinBox),
      m_budgetUnit(new QComboBox), m_seeds(new QSpinBox), m_encoder(new QComboBox),
      m_precision(new QComboBox), m_sigmas(new QLineEdit), m_sigma(new QDoubleSpinBox),
      m_anchorPool(new QSpinBox), m_anchorRefresh(new QSpinBox), m_renoise(new QDoubleSpinBox),
      m_folder(new QLineEdit), m_run(new QPushButton(tr("Run &experiment"))),
      m_stop(new QPushButton(tr("Stop"))), m_open(new QPushButton(tr("Open results"))),
      m_progress(new QProgressBar), m_status(new QLabel)
{
    setFlat(true); // as sectionBox (widgethelpers.h)
    m_budget->setObjectName("experimentBudget");
    m_budgetUnit->setObjectName("experimentBudgetUnit");
    m_seeds->setObjectName("experimentSeeds");
    m_encoder->setObjectName("experimentEncoder");
    m_precision->setObjectName("experimentPrecision");
    m_folder->setObjectName("experimentFolder");
    m_run->setObjectName("experimentRun");
    m_stop->setObjectName("experimentStop");
    m_open->setObjectName("experimentOpen");
    m_progress->setObjectName("experimentProgress");
    m_status->setObjectName("experimentStatus");
    m_budgetUnit->addItems({tr("min per run"), tr("steps per run")});
    m_budgetUnit->setToolTip(tr("A time budget is what the paper compares; a step budget does "
                                "not depend on the machine's speed or load."));
    const auto showUnit = [this](int unit) {
        const bool steps = unit == 1;
        m_budget->setDecimals(steps ? 0 : 2);
        m_budget->setRange(steps ? 1 : 0.01, steps ? 100000000 : 600);
        m_budget->setValue(steps ? kDefaultBudgetSteps : ExperimentOptions{}.budgetMinutes);
    };
    showUnit(0);
    connect(m_budgetUnit, &QComboBox::currentIndexChanged, this, showUnit);
    m_seeds->setRange(1, 20);
    m_seeds->setValue(1);
    m_seeds->setSuffix(tr(" seed(s)"));
    m_encoder->addItems(encoderPresetItems());
    m_encoder->setToolTip(tr("The encoder every run trains; the rows differ only in their data"));
    m_precision->addItems({"auto", "fp32", "bf16", "fp16"});
    m_precision->setToolTip(tr("The forward pass's type in every run. auto takes bf16 where the "
                               "device has native bfloat16 and fp32 on other CPUs, so a table "
                               "resumed on another machine can change precision; fp32 pins it"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setToolTip(tr("The same encoder and budget on real Fashion-MNIST and on generated views "
                  "(pixel-only, Gaussian sigma sweep, steered walks, Gaussian + steered, SupCon, "
                  "neighbour pool), with the floors; writes results.md and two figures. Run it "
                  "again on the same folder to resume."));
    // The rows, each with what it trains on; r (re-noised views) needs a
    // diffusion generator.
    const std::pair<const char *, QString> rows[] = {
        {"a", tr("real data + pixel augmentations (SimCLR)")},
        {"b", tr("generated images, pixel augmentations only")},
        {"c", tr("Gaussian views in latent space, one row per sigma of the sweep")},
        {"d", tr("learned steering walks (zoom, shifts, colour)")},
        {"e", tr("Gaussian + steered views")},
        {"f", tr("SupCon: the generator's classes as positives")},
        {"g", tr("a pool of 4 neighbours per anchor")},
        {"r", tr("re-noised views (diffusion generators): noise an anchor to a strength, "
                 "denoise it again")}};
    auto *rowsLine = new QHBoxLayout;
    for (const auto &[id, what] : rows) {
        auto *box = new QCheckBox(QString::fromLatin1(id));
        box->setObjectName(QString("experimentRow_") + id);
        box->setToolTip(what);
        rowsLine->addWidget(box);
        m_rows.emplace_back(QString::fromLatin1(id), box);
    }
    m_sigmas->setObjectName("experimentSigmas");
    m_sigmas->setToolTip(tr("Row c's sigmas, comma-separated (each its own row)"));
    m_sigma->setObjectName("experimentSigma");
    m_sigma->setRange(0, 10);
    m_sigma->setDecimals(3);
    m_sigma->setSingleStep(0.1);
    m_sigma->setSpecialValueText(tr("chosen on validation"));
    m_sigma->setToolTip(tr("The sigma of rows e, f and g; at 0, row c's sigma with the best mean "
                           "validation probe (row c must then be in the table)"));
    m_anchorPool->setObjectName("experimentAnchorPool");
    m_anchorPool->setRange(0, 16777216);
    m_anchorPool->setSpecialValueText(tr("fresh anchors"));
    m_anchorPool->setToolTip(tr("Generated rows draw their anchors from a pool of this many, "
                                "for slow samplers; 0: fresh anchors every step"));
    m_anchorRefresh->setObjectName("experimentAnchorRefresh");
    m_anchorRefresh->setRange(0, 16777216);
    m_anchorRefresh->setToolTip(tr("New anchors in the pool per step"));
    m_renoise->setObjectName("experimentRenoise");
    m_renoise->setRange(0.01, 1);
    m_renoise->setSingleStep(0.05);
    m_renoise->setValue(ExperimentOptions{}.renoise);
    m_renoise->setToolTip(tr("Row r: the noise level each view is re-noised to, in (0, 1]"));
    rowsLine->addWidget(new QLabel(tr("Sigmas (c)")));
    rowsLine->addWidget(m_sigmas, 1);
    rowsLine->addWidget(new QLabel(tr("Sigma (e–g)")));
    rowsLine->addWidget(m_sigma);
    rowsLine->addWidget(new QLabel(tr("Anchor pool")));
    rowsLine->addWidget(m_anchorPool);
    rowsLine->addWidget(new QLabel(tr("new per step")));
    rowsLine->addWidget(m_anchorRefresh);
    rowsLine->addWidget(new QLabel(tr("Re-noise (r)")));
    rowsLine->addWidget(m_renoise);
    setGenerator({}, false);

    auto *browse = m_browse = new QPushButton(tr("…"));
    auto *grid = new QGridLayout(this);
    grid->addWidget(new QLabel(tr("Budget")), 0, 0);
    auto *budgetRow = new QHBoxLayout;
    budgetRow->addWidget(m_budget);
    budgetRow->addWidget(m_budgetUnit);
    grid->addLayout(budgetRow, 0, 1);
    auto *seedsRow = new QHBoxLayout;
    seedsRow->addWidget(m_seeds);
    seedsRow->addWidget(new QLabel(tr("Encoder")));
    seedsRow->addWidget(m_encoder);
    seedsRow->addWidget(new QLabel(tr("Precision")));
    seedsRow->addWidget(m_precision);
    grid->addLayout(seedsRow, 0, 2);
    grid->addWidget(new QLabel(tr("Folder")), 0, 3);
    grid->addWidget(m_folder, 0, 4);
    grid->addWidget(browse, 0, 5);
    grid->addWidget(m_run, 0, 6);
    grid->addWidget(m_stop, 0, 7);
    grid->addWidget(m_open, 0, 8);
    grid->addWidget(new QLabel(tr("Rows")), 1, 0);
    grid->addLayout(rowsLine, 1, 1, 1, 8);
    grid->addWidget(m_progress, 2, 0, 1, 3);
    grid->addWidget(m_status, 2, 3, 1, 6);
    grid->setColumnStretch(4, 1);
    m_stop->setEnabled(false);
    m_open->setEnabled(false);
    m_progress->setVisible(false); // until an experiment runs

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Experiment folder"), folder());
        if (!dir.isEmpty()) setFolder(dir);
    });
    connect(m_folder, &QLineEdit::textChanged, this, [this] {
        m_report = QDir(folder()).filePath("results.md");
        m_open->setEnabled(!isRunning() && QFileInfo::exists(m_report));
    });
    connect(m_run, &QPushButton::clicked, this, &ExperimentBox::start);
    connect(m_stop, &QPushButton::clicked, this, &ExperimentBox::stop);
    connect(m_open, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(m_report)); });
}

ExperimentBox::~ExperimentBox()
{
    stop();
    if (m_thread.joinable()) m_thread.join();
}

void ExperimentBox::setFolder(const QString &dir)
{
    m_folder->setText(dir);
}

QString ExperimentBox::defaultFolder(const QString &runsRoot)
{
    const QDir runs(runsRoot);
    QDir parent = runs;
    if (runs.dirName() == "runs" && parent.cdUp() &&
        (parent.exists("walks.json") || parent.exists("results.md")))
        return parent.path();
    return runs.filePath("paper-table");
}

QString ExperimentBox::folder() const
{
    return m_folder->text();
}

void ExperimentBox::setGenerator(const QString &path, bool diffusion)
{
    if (isRunning()) {
        m_nextGenerator = {path, diffusion};
        return;
    }
    m_generator = path;
    m_diffusion = diffusion;
    // A diffusion sample costs a sampler's steps: the table the docs ran
    // (docs/results.md), not the sweep of five sigmas on fresh anchors.
    const QStringList preset = diffusion ? QStringList{"a", "b", "c", "r"}
                                         : QStringList{"a", "b", "c", "d", "e", "f", "g"};
    for (const auto &[id, box] : m_rows) {
        box->setChecked(preset.contains(id));
        if (id == "r") box->setEnabled(diffusion);
    }
    const ExperimentOptions defaults;
    QStringList sigmas;
    for (const float s : diffusion ? std::vector<float>{0.4f} : defaults.sigmas)
        sigmas << QString::number(s);
    m_sigmas->setText(sigmas.join(", "));
    m_sigma->setValue(0);
    m_anchorPool->setValue(diffusion ? 8192 : 0);
    m_anchorRefresh->setValue(diffusion ? 16 : 0);
    m_renoise->setEnabled(diffusion);
}

bool ExperimentBox::readOptions(ExperimentOptions &options, QString &error) const
{
    options.base = m_base;
    options.base.generator = m_generator.toStdString();
    if (m_budgetUnit->currentIndex() == 1)
        options.budgetSteps = static_cast<int>(m_budget->value());
    else
        options.budgetMinutes = m_budget->value();
    options.seeds = m_seeds->value();
    options.base.encoder = m_encoder->currentText().toStdString();
    options.base.precision = m_precision->currentText().toStdString();
    options.card = m_card;
    options.rows.clear();
    for (const auto &[id, box] : m_rows)
        if (box->isChecked() && box->isEnabled()) options.rows.push_back(id.toStdString());
    if (options.rows.empty()) {
        error = tr("Rows: none chosen; tick at least one of a to g (or r)");
        return false;
    }
    options.sigmas.clear();
    for (const QString &part : m_sigmas->text().split(',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const double s = part.trimmed().toDouble(&ok);
        if (!ok || s <= 0 || s > 10) {
            error = tr("Sigmas (c): \"%1\" is not a sigma; expected numbers above 0 and at most "
                       "10, separated by commas")
                        .arg(part.trimmed());
            return false;
        }
        options.sigmas.push_back(static_cast<float>(s));
    }
    options.sigma = static_cast<float>(m_sigma->value());
    options.anchorPool = m_anchorPool->value();
    options.anchorPoolRefresh = m_anchorRefresh->value();
    options.renoise = static_cast<float>(m_renoise->value());
    return true;
}

// The same experiment from the command line (the report's "Reproduce").
QString ExperimentBox::commandLine(const ExperimentOptions &o) const
{
    QStringList rows, sigmas;
    for (const std::string &r : o.rows)
        rows << QString::fromStdString(r);
    for (const float s : o.sigmas)
        sigmas << QString::number(s);
    QString command = QString("latent-cli experiment paper-table --generator %1 ").arg(m_generator);
    command += o.budgetSteps > 0 ? QString("--budget-steps %1").arg(o.budgetSteps)
                                 : QString("--budget-minutes %1").arg(o.budgetMinutes);
    command += QString(" --seeds %1 --encoder %2").arg(o.seeds).arg(m_encoder->currentText());
    if (o.base.precision != "auto")
        command += " --precision " + QString::fromStdString(o.base.precision);
    command += " --rows " + rows.join(',');
    if (!sigmas.isEmpty()) command += " --sigmas " + sigmas.join(' ');
    if (o.sigma > 0) command += QString(" --sigma %1").arg(o.sigma);
    if (o.anchorPool > 0)
        command += QString(" --anchor-pool %1 --anchor-pool-refresh %2")
                       .arg(o.anchorPool)
                       .arg(o.anchorPoolRefresh);
    if (rows.contains("r")) command += QString(" --renoise %1").arg(o.renoise);
    return command + " --out " + folder();
}

void ExperimentBox::start()
{
    if (isRunning()) return;
    if (m_generator.isEmpty()) {
        m_status->setText(tr("Load a generator first (File > Open Generator)."));
        return;
    }
    ExperimentOptions options;
    QString error;
    if (!readOptions(options, error)) {
        m_status->setText(error);
        return;
    }
    m_runner = std::make_unique<ExperimentRunner>(folder().toStdString(), options, m_walks);
    ExperimentEvents events;
    events.log = [this](const std::string &line) {
        QMetaObject::invokeMethod(
            this,
            [this, l = QString::fromStdString(line)] {
                m_lastLog = l;
                m_status->setText(l);
                // After each run: results.md holds the table so far.
                m_open->setEnabled(QFileInfo::exists(m_report));
            },
            Qt::QueuedConnection);
    };
    events.progress = [this](const ExperimentProgress &p) {
        QMetaObject::invokeMethod(
            this,
            [this, p] {
                // The table so far, written when the experiment starts.
                if (!m_open->isEnabled()) m_open->setEnabled(QFileInfo::exists(m_report));
                m_progress->setRange(0, p.count);
                setProgressValue(m_progress, p.index);
                m_status->setText(tr("run %1 of %2 (%3) · step %4 · experiment ETA %5")
                                      .arg(p.index + 1)
                                      .arg(p.count)
                                      .arg(QString::fromStdString(p.runId))
                                      .arg(p.train.step)
                                      .arg(duration(p.etaSeconds)));
            },
            Qt::QueuedConnection);
    };
    m_runner->setEvents(events);
    const QString command = commandLine(options);
    m_run->setEnabled(false);
    m_stop->setEnabled(true);
    setSettingsEnabled(false);
    m_progress->setVisible(true);
    m_open->setEnabled(false);
    m_status->setText(tr("Starting (learning the steering walks first if the folder has none)…"));
    m_thread = std::thread([this, command] {
        bool completed = false;
        QString message, report;
        try {
            const ExperimentResult r = m_runner->run(command.toStdString());
            completed = r.completed;
            report = QString::fromStdString(r.reportPath);
            if (completed) message = tr("Finished: %1").arg(report);
        } catch (const std::exception &e) {
            message = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(
            this, [this, completed, message, report] { onFinished(completed, message, report); },
            Qt::QueuedConnection);
    });
}

void ExperimentBox::stop()
{
    if (!m_runner) return;
    m_runner->stop();
    m_stop->setEnabled(false);
    m_status->setText(tr("Stopping after the current step…"));
}

// Settings stay as the running table was started with (its folder is where
// its report and runs go).
void ExperimentBox::setSettingsEnabled(bool on)
{
    for (QWidget *w : std::initializer_list<QWidget *>{
             m_budget, m_budgetUnit, m_seeds, m_encoder, m_precision, m_sigmas, m_sigma,
             m_anchorPool, m_anchorRefresh, m_renoise, m_folder, m_browse})
        w->setEnabled(on);
    for (const auto &[id, box] : m_rows)
        box->setEnabled(on && (id != "r" || m_diffusion));
    m_renoise->setEnabled(on && m_diffusion);
}

void ExperimentBox::onFinished(bool completed, const QString &message, const QString &reportPath)
{
    if (m_thread.joinable()) m_thread.join();
    m_runner.reset();
    m_run->setEnabled(true);
    m_stop->setEnabled(false);
    setSettingsEnabled(true);
    if (m_nextGenerator) {
        const auto [path, diffusion] = *std::exchange(m_nextGenerator, std::nullopt);
        setGenerator(path, diffusion);
    }
    if (completed) m_report = reportPath;
    m_open->setEnabled(QFileInfo::exists(m_report)); // a stopped table's progress report too
    if (completed) {
        setProgressValue(m_progress, m_progress->maximum());
    }
    // Not completed without an error: the runner's last line says why.
    const QString shown = message.isEmpty() ? m_lastLog : message;
    m_status->setText(shown);
    Q_EMIT finished(completed, shown);
}

} // namespace latent::studio
