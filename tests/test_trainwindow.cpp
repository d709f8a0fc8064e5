// SPDX-License-Identifier: MIT
// The Train and Runs tabs of the real window: a run started from the UI
// plots points, pauses (no new points), resumes, stops and is listed;
// runs on disk load and overlay; broken run folders are reported by name
// while the others load; exports.
#include "badinputs.h"
#include "batchreplaydialog.h"
#include "composerpanel.h"
#include "curveplot.h"
#include "datasetpicker.h"
#include "embeddingplot.h"
#include "experimentbox.h"
#include "imagegridwidget.h"
#include "qcpinclude.h"
#include "runspanel.h"
#include "runtime.h"
#include "smalldataset.h"
#include "stoppedrun.h"
#include "threadnice.h"
#include "train/runsummary.h"
#include "train/trainer.h"
#include "trainpanel.h"
#include "views/viewrecipe.h"
#include "widgethelpers.h"
#include "windowtest.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QVBoxLayout>
#include <QtTest>

#include <functional>

using namespace latent;
using latent::studio::MainWindow;
using latent::studio::RunsPanel;
using latent::studio::TrainPanel;
using latent::widgets::CurvePlot;

namespace {

// Counts the paint events of the widgets it filters.
struct PaintCounter : QObject
{
    int count = 0;
    bool eventFilter(QObject *, QEvent *event) override
    {
        count += event->type() == QEvent::Paint;
        return false;
    }
};

// A short run made with the engine directly, with online evaluations every
// 2 steps, stopped after `steps` steps.
void makeRun(const QString &dir, const QString &evalData, int steps)
{
    TrainConfig c;
    c.generator = LATENT_DEFAULT_GENERATOR;
    c.evalData = evalData.toStdString();
    c.batch = 16;
    c.steps = 100;
    c.probeEvery = 2;
    c.probeTrain = 500;
    c.probeValidation = 200;
    c.precision = "fp32";
    test::trainAndStop(dir.toStdString(), c, steps);
}

} // namespace

class TestTrainWindow : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    QString m_data, m_disk;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        configureRuntime();
        QVERIFY(m_tmp.isValid());
        m_data = m_tmp.filePath("data");
        QDir().mkpath(m_data);
        test::writeSmallDataset(m_data.toStdString(), 1000, 500);
        // Runs made on disk for the list tests: two good, two broken.
        m_disk = m_tmp.filePath("disk");
        makeRun(m_disk + "/alpha", m_data, 4);
        makeRun(m_disk + "/beta", m_data, 6);
        QDir().mkpath(m_disk + "/half");
        QFile::copy(m_disk + "/alpha/config.json", m_disk + "/half/config.json");
        QDir().mkpath(m_disk + "/garbled");
        for (const char *f : {"config.json", "recipe.json", "metrics.jsonl"})
            QFile::copy(m_disk + "/alpha/" + f, m_disk + "/garbled/" + f);
        QFile status(m_disk + "/garbled/status.json");
        QVERIFY(status.open(QIODevice::WriteOnly));
        status.write("{\"state\": \"runn");
    }

    // The bad-input corpus's damaged run folders in the studio: the Runs tab
    // still lists the good run beside one and names the damaged file (a
    // checkpoint is read by a resume only); Resume shows the message on the
    // Train tab and leaves the window ready to train.
    void runCorpus_data()
    {
        QTest::addColumn<int>("index");
        const auto cases = test::badInputs({"run"});
        for (int i = 0; i < cases.size(); ++i)
            QTest::newRow(qPrintable(cases[i].file)) << i;
    }

    void runCorpus()
    {
        QFETCH(int, index);
        const auto c = test::badInputs({"run"}).at(index);
        const QString good = m_tmp.filePath("corpus-good");
        if (!QFileInfo::exists(good)) makeRun(good, m_data, 2); // once for all rows
        QTemporaryDir dir;
        QString named;
        const QString run = test::prepareBadRun(c, good, dir, &named);
        const QString expected = test::expectedMessage(c, named);
        QDir().mkpath(dir.filePath("good"));
        for (const QString &name : QDir(good).entryList(QDir::Files | QDir::Hidden))
            QFile::copy(good + "/" + name, dir.filePath("good/") + name);
        qputenv("LATENT_STUDIO_RUNS", dir.path().toUtf8());
        MainWindow window;
        QVERIFY(test::loadDefaultGenerator(window));
        RunsPanel *list = window.runsPanel();
        QTRY_VERIFY_WITH_TIMEOUT(list->runNames().contains("good"), 30000);
        if (test::runListingReads(c)) {
            QTRY_VERIFY_WITH_TIMEOUT(list->problems().contains(expected), 30000);
        } else {
            QTRY_COMPARE_WITH_TIMEOUT(list->runNames().size(), 2, 30000);
            QVERIFY(list->problems().isEmpty());
        }
        TrainPanel *panel = window.trainPanel();
        panel->resumeRun(run);
        auto *error = panel->findChild<QLabel *>("trainError");
        QTRY_VERIFY_WITH_TIMEOUT(error->text().contains(expected), 60000);
        QVERIFY(panel->findChild<QPushButton *>("trainButton")->isEnabled());
        qunsetenv("LATENT_STUDIO_RUNS");
    }

    // The run folder deleted while the window trains: the run fails, the
    // Train tab says why, and the window can start another run.
    void runFolderDeletedWhileTraining()
    {
        const QString runs = m_tmp.filePath("doomed-runs");
        qputenv("LATENT_STUDIO_RUNS", runs.toUtf8());
        MainWindow window;
        QVERIFY(test::loadDefaultGenerator(window));
        TrainPanel *panel = window.trainPanel();
        panel->findChild<QSpinBox *>("trainBudget")->setValue(5000);
        panel->findChild<QSpinBox *>("trainBatch")->setValue(16);
        panel->findChild<QSpinBox *>("trainProbeEvery")->setValue(0);
        panel->findChild<QLineEdit *>("trainRunName")->setText("doomed");
        QSignalSpy states(panel, &TrainPanel::stateChanged);
        QTest::mouseClick(panel->findChild<QPushButton *>("trainButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(panel->lossPlot()->pointCount(0) >= 2, 60000);
        // As `rm -rf` may, the first removal can find the folder not empty:
        // the trainer renamed a status or checkpoint file into it meanwhile.
        // Its next append then fails, the run ends, and a second removal
        // empties the folder.
        QTRY_VERIFY_WITH_TIMEOUT(QDir(runs + "/doomed").removeRecursively(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(states.last().at(0).toString() == "failed", 60000);
        const QString error = panel->findChild<QLabel *>("trainError")->text();
        QVERIFY2(error.startsWith("the run folder " + runs +
                                  "/doomed was deleted or moved while "
                                  "training; training stopped at step "),
                 qPrintable(error));
        QVERIFY(panel->findChild<QPushButton *>("trainButton")->isEnabled());
    }

    // While a run is prepared (generator and data loading on the worker) a
    // resume is refused and Stop cancels it, leaving the window ready; a run
    // name that is not one folder is refused; the Runs tab's folder is where
    // the Train tab writes.
    void preparationStopsAndRunNamesStayInTheFolder()
    {
        const QString runs = m_tmp.filePath("prepared-runs");
        qputenv("LATENT_STUDIO_RUNS", runs.toUtf8());
        auto unset = qScopeGuard([] { qunsetenv("LATENT_STUDIO_RUNS"); });
        MainWindow window;
        QVERIFY(test::loadDefaultGenerator(window));
        TrainPanel *panel = window.trainPanel();
        auto *error = panel->findChild<QLabel *>("trainError");
        auto *train = panel->findChild<QPushButton *>("trainButton");
        panel->findChild<QSpinBox *>("trainBudget")->setValue(5000);
        panel->findChild<QSpinBox *>("trainProbeEvery")->setValue(0);
        panel->findChild<QComboBox *>("trainData")->setCurrentIndex(1); // real images
        panel->findChild<studio::DatasetPicker *>("trainDataset")->setSource(m_data);
        for (const QString name : {"../escape", "a/b", ".."}) {
            panel->findChild<QLineEdit *>("trainRunName")->setText(name);
            QTest::mouseClick(train, Qt::LeftButton);
            QVERIFY2(error->text().contains("is not a folder name"), qPrintable(error->text()));
        }
        QVERIFY(!QFileInfo::exists(m_tmp.filePath("escape")));
        QVERIFY(!QFileInfo::exists(runs + "/a"));

        panel->findChild<QLineEdit *>("trainRunName")->setText("prepared");
        QTest::mouseClick(train, Qt::LeftButton); // preparation starts on the worker
        QVERIFY(!train->isEnabled());
        panel->resumeRun(m_disk + "/alpha");
        QCOMPARE(error->text(),
                 QString("A run is being prepared; stop it before resuming another."));
        auto *stop = panel->findChild<QPushButton *>("stopButton");
        QVERIFY(stop->isEnabled());
        QTest::mouseClick(stop, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(train->isEnabled(), 60000);
        QVERIFY(!panel->isTraining());
        // Cancelled while reading, or created and left to resume: never started.
        if (QFileInfo::exists(runs + "/prepared/status.json")) {
            QCOMPARE(readRunStatus((runs + "/prepared").toStdString()).state, RunState::Created);
            QVERIFY(readRunSummary((runs + "/prepared").toStdString()).interrupted);
        }

        const QString other = m_tmp.filePath("chosen-runs");
        Q_EMIT window.runsPanel()->rootChosen(other);
        QCOMPARE(panel->runsRoot(), other);
    }

    // The legend moves to the corner with the fewest points under it and
    // stays there on a tie; a corner set by hand is kept.
    void legendAvoidsTheCurves()
    {
        CurvePlot plot("step", "accuracy");
        plot.resize(500, 350);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        const int id = plot.addSeries("rising", Qt::blue);
        QVector<double> x, y;
        for (int i = 0; i <= 100; ++i)
            x << i, y << std::sqrt(i); // fills the top right and the bottom left
        plot.setData(id, x, y);        // redraws (queued) place the legend
        QTRY_VERIFY(plot.legendCorner() == (Qt::AlignBottom | Qt::AlignRight));
        // A falling curve: the top left and the bottom right are taken.
        plot.setData(id, x, QVector<double>(y.rbegin(), y.rend()));
        QTRY_VERIFY(plot.legendCorner() == (Qt::AlignTop | Qt::AlignRight));
        plot.setLegendCorner(Qt::AlignBottom | Qt::AlignLeft);
        plot.setData(id, x, y);
        QTest::qWait(200);
        QVERIFY(plot.legendCorner() == (Qt::AlignBottom | Qt::AlignLeft));
    }

    // A flat curve (accuracy at 1.0, one point so far) keeps its range at
    // every redraw: the headroom was added to a range rescaleAxes could not
    // fit, widening the axis by 10% each time. An embedding's stray labels
    // and short vectors are left out, and hovering maps to the caller's
    // indices.
    void flatCurvesKeepTheirRangeAndStrayPointsAreLeftOut()
    {
        CurvePlot plot("step", "accuracy");
        plot.resize(500, 350);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        const int id = plot.addSeries("probe", Qt::blue);
        QSignalSpy redraws(plot.plot(), &QCustomPlot::afterReplot);
        QCPRange first;
        for (int i = 1; i <= 5; ++i) {
            const int before = redraws.count();
            plot.addPoint(id, i, 1.0);
            QTRY_VERIFY(redraws.count() > before);
            const QCPRange y = plot.plot()->yAxis->range();
            QVERIFY2(y.contains(1.0) && y.size() > 0, qPrintable(QString::number(y.size())));
            if (i == 1) first = y;
            QCOMPARE(y.lower, first.lower);
            QCOMPARE(y.upper, first.upper);
        }

        widgets::EmbeddingPlot embedding;
        embedding.resize(300, 300);
        embedding.setPoints({0, 1, 2, 3}, {0, 1, 2}, {0, 1 << 30, 1, 0}, {"a", "b"}, "t");
        QCOMPARE(embedding.pointCount(), 2); // index 1's label is stray, index 3 has no y
        QCOMPARE(embedding.pointPosition(1), QPoint()); // not drawn
        embedding.show();
        QVERIFY(QTest::qWaitForWindowExposed(&embedding));
        QVERIFY(embedding.pointPosition(2) != embedding.pointPosition(0));
    }

    // A plot on a hidden tab does not redraw as points arrive (a long run's
    // four plots did, once per training row); it redraws when shown, and an
    // export before that still fits its axes to the data.
    void hiddenPlotRedrawsOnlyWhenShown()
    {
        CurvePlot plot("step", "loss");
        plot.resize(500, 350);
        const int id = plot.addSeries("loss", Qt::blue);
        QSignalSpy redraws(plot.plot(), &QCustomPlot::afterReplot);
        QTest::qWait(100); // the layout's one redraw at its first size
        const int before = redraws.count();
        for (int i = 0; i < 100; ++i)
            plot.addPoint(id, i, 10 - 0.05 * i);
        QTest::qWait(100);
        QCOMPARE(redraws.count(), before);
        QVERIFY(plot.exportTo(m_tmp.filePath("hidden.png"), nullptr));
        QVERIFY(plot.plot()->xAxis->range().contains(99) &&
                plot.plot()->yAxis->range().contains(5.05));

        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        QTRY_VERIFY(redraws.count() > 0);
        plot.addPoint(id, 100, 4);
        QTRY_VERIFY(plot.plot()->xAxis->range().contains(100) &&
                    plot.plot()->yAxis->range().contains(4));
    }

    // Plots whose data changed redraw one per event-loop pass, so the UI
    // thread serves input between them, each into its buffer, reaching the
    // screen with the window's next update: stale plots shown at once (a tab
    // switch shows four) and visible plots updated together (a metrics row
    // updates four; with QCustomPlot's default each redraw repainted the
    // window there and then, a 57 ms stall in the soak).
    void plotsRedrawOneAtATime_data()
    {
        QTest::addColumn<bool>("hiddenWhileUpdated");
        QTest::newRow("shown after a tab switch") << true;
        QTest::newRow("updated while visible") << false;
    }
    void plotsRedrawOneAtATime()
    {
        QFETCH(bool, hiddenWhileUpdated);
        QWidget window; // exposed throughout; the page comes and goes, as a tab's
        auto *page = new QWidget;
        (new QVBoxLayout(&window))->addWidget(page);
        auto *layout = new QVBoxLayout(page);
        CurvePlot *plots[] = {new CurvePlot("step", "loss"), new CurvePlot("step", "accuracy")};
        int ids[2];
        for (int p = 0; p < 2; ++p) {
            layout->addWidget(plots[p]);
            ids[p] = plots[p]->addSeries("s", Qt::blue);
        }
        window.resize(500, 600);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::qWait(100); // the first layout's redraws
        if (hiddenWhileUpdated) {
            page->hide();
            QTest::qWait(50);
        }
        QSignalSpy first(plots[0]->plot(), &QCustomPlot::afterReplot),
            second(plots[1]->plot(), &QCustomPlot::afterReplot);
        PaintCounter painted;
        window.installEventFilter(&painted);
        for (QWidget *w : window.findChildren<QWidget *>())
            w->installEventFilter(&painted);
        for (int p = 0; p < 2; ++p)
            for (int i = 0; i < 100; ++i)
                plots[p]->addPoint(ids[p], i, i * (p + 1));
        page->show(); // both plots are stale
        QCOMPARE(first.count() + second.count(), 0);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::MetaCall);
        QCOMPARE(first.count() + second.count(), 1);
        // Redrawn into its buffer and painted with the window's next update,
        // not there and then (which would paint the whole shown page now).
        QCOMPARE(painted.count, 0);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::MetaCall);
        QCOMPARE(first.count(), 1);
        QCOMPARE(second.count(), 1);
        QCOMPARE(painted.count, 0);
        QVERIFY(plots[1]->plot()->yAxis->range().contains(198)); // fitted to the new data
        QTRY_VERIFY(painted.count > 0);
    }

    // A progress callback does not paint the window there and then: the bar's
    // new value is painted with the rest of the window in the next update
    // pass (QProgressBar::setValue alone repaints at once, and with it
    // everything the window has pending, such as a whole page after a tab
    // switch).
    void progressValuePaintsWithTheWindow()
    {
        QWidget window;
        auto *layout = new QVBoxLayout(&window);
        auto *bar = new QProgressBar;
        auto *neighbour = new QLabel("pending");
        layout->addWidget(bar);
        layout->addWidget(neighbour);
        bar->setRange(0, 1000);
        bar->setFormat("step %v / %m");
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::qWait(50);
        PaintCounter painted;
        neighbour->installEventFilter(&painted);
        bar->installEventFilter(&painted);

        neighbour->update(); // pending, as a newly shown page is
        latent::studio::setProgressValue(bar, 10);
        QCOMPARE(painted.count, 0);
        QTRY_VERIFY(painted.count >= 2); // both, in the next update pass
        QCOMPARE(bar->text(), QString("step 10 / 1000"));

        painted.count = 0; // what the helper avoids: Qt's own setValue paints at once
        neighbour->update();
        bar->setValue(20);
        QVERIFY(painted.count >= 2);
    }

    // The Experiment box proposes RUNS/paper-table, or the experiment itself
    // when the runs folder is an experiment's runs/.
    void experimentFolderIsNotNestedInATable()
    {
        using latent::studio::ExperimentBox;
        const QString plain = m_tmp.filePath("plain-runs");
        QCOMPARE(ExperimentBox::defaultFolder(plain), plain + "/paper-table");
        const QString table = m_tmp.filePath("a-table");
        QVERIFY(QDir().mkpath(table + "/runs"));
        QCOMPARE(ExperimentBox::defaultFolder(table + "/runs"), table + "/runs/paper-table");
        QFile walks(table + "/walks.json");
        QVERIFY(walks.open(QIODevice::WriteOnly));
        walks.close();
        QCOMPARE(ExperimentBox::defaultFolder(table + "/runs"), table);
        // A table without rows d and e (no walks) is known by its results.md.
        const QString noWalks = m_tmp.filePath("diffusion-table");
        QVERIFY(QDir().mkpath(noWalks + "/runs"));
        QCOMPARE(ExperimentBox::defaultFolder(noWalks + "/runs"), noWalks + "/runs/paper-table");
        QFile results(noWalks + "/results.md");
        QVERIFY(results.open(QIODevice::WriteOnly));
        results.close();
        QCOMPARE(ExperimentBox::defaultFolder(noWalks + "/runs"), noWalks);
    }

    // The paper-table preset of the Runs tab at a toy budget: Stop during
    // the second run, Run again resumes, and the completed experiment's runs
    // appear in the list with the report ready to open.
    void experimentPresetStopsResumesAndLists()
    {
        MainWindow window;
        QVERIFY(test::loadDefaultGenerator(window));
        window.showTab("runs");
        auto *box = window.runsPanel()->experimentBox();
        TrainConfig base;
        base.evalData = m_data.toStdString();
        base.batch = 16;
        base.probeEvery = 0;
        base.probeTrain = 500;
        base.probeValidation = 200;
        base.precision = "fp32";
        base.encoder = "resnet50"; // the box's Encoder choice (small) decides
        box->setBaseConfig(base);
        SteerOptions walks;
        walks.steps = 3;
        box->setWalkOptions(walks);
        ReportCardOptions card; // a quick report card, cached here
        card.samples = 200;
        card.casImages = 400;
        card.epochs = 1;
        card.cacheDir = m_tmp.filePath("classifiers").toStdString();
        box->setReportCardOptions(card);
        // A step budget: the same toy experiment on a fast or a loaded machine.
        box->findChild<QComboBox *>("experimentBudgetUnit")->setCurrentIndex(1);
        box->findChild<QDoubleSpinBox *>("experimentBudget")->setValue(4);
        box->setFolder(m_tmp.filePath("experiment"));
        QSignalSpy finished(box, &latent::studio::ExperimentBox::finished);
        auto *progress = box->findChild<QProgressBar *>("experimentProgress");

        QTest::mouseClick(box->findChild<QPushButton *>("experimentRun"), Qt::LeftButton);
        // The running table's settings and folder stay as it started.
        auto *folder = box->findChild<QLineEdit *>("experimentFolder");
        QVERIFY(!folder->isEnabled());
        // Another generator loaded meanwhile waits for the table to end: its
        // preset re-enabled row r and rewrote the sigmas of the running table.
        auto *rowR = box->findChild<QCheckBox *>("experimentRow_r");
        auto *sigmas = box->findChild<QLineEdit *>("experimentSigmas");
        const QString sweep = sigmas->text();
        box->setGenerator(m_tmp.filePath("other-ddpm.pt"), true);
        QVERIFY(!rowR->isEnabled());
        QCOMPARE(sigmas->text(), sweep);
        QTRY_VERIFY_WITH_TIMEOUT(progress->value() >= 1, 120000);
        QTest::mouseClick(box->findChild<QPushButton *>("experimentStop"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QVERIFY(folder->isEnabled());
        QVERIFY(rowR->isEnabled() && rowR->isChecked());
        QCOMPARE(sigmas->text(), QString("0.4"));
        box->setGenerator(LATENT_DEFAULT_GENERATOR, false); // back to the table it resumes
        QCOMPARE(sigmas->text(), sweep);
        QCOMPARE(finished.first().at(0).toBool(), false);
        QVERIFY2(finished.first().at(1).toString().contains("run it again to resume"),
                 qPrintable(finished.first().at(1).toString()));
        // The table so far is there to open: at least the first run finished.
        QVERIFY(box->findChild<QPushButton *>("experimentOpen")->isEnabled());
        QFile soFar(m_tmp.filePath("experiment/results.md"));
        QVERIFY(soFar.open(QIODevice::ReadOnly));
        const QByteArray head = soFar.readLine();
        QVERIFY2(head.startsWith("**In progress:** ") && head.contains(" of 11 runs finished"),
                 head.constData());

        QTest::mouseClick(box->findChild<QPushButton *>("experimentRun"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 300000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QVERIFY(box->findChild<QPushButton *>("experimentOpen")->isEnabled());
        QFile report(m_tmp.filePath("experiment/results.md"));
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QString md = QString::fromUtf8(report.readAll());
        QVERIFY2(md.contains("Budget: 4 steps of training per run, the small encoder") &&
                     md.contains("latent-cli experiment paper-table --generator " +
                                 QString(LATENT_DEFAULT_GENERATOR) +
                                 " --budget-steps 4 --seeds 1 --encoder small --rows "
                                 "a,b,c,d,e,f,g --sigmas 0.1 0.2 0.4 0.8 1.6 --out "),
                 qPrintable(md));
        QTRY_COMPARE_WITH_TIMEOUT(window.runsPanel()->runCount(), 11, 30000);
        QVERIFY(window.runsPanel()->runNames().contains("c-sigma1.6-s1"));
    }

    // The box's rows, sigmas and anchor pool: a GAN has no row r, bad fields
    // are refused with the field named and nothing starts, and a table of
    // row a alone trains that row only, its command line saying so.
    void experimentRowsChosenInTheBox()
    {
        MainWindow window;
        QVERIFY(test::loadDefaultGenerator(window));
        auto *box = window.runsPanel()->experimentBox();
        const auto row = [box](const char *id) {
            return box->findChild<QCheckBox *>(QString("experimentRow_") + id);
        };
        QVERIFY(!row("r")->isEnabled() && !row("r")->isChecked() && row("g")->isChecked());
        QCOMPARE(box->findChild<QSpinBox *>("experimentAnchorPool")->value(), 0);
        auto *status = box->findChild<QLabel *>("experimentStatus");
        auto *run = box->findChild<QPushButton *>("experimentRun");
        box->findChild<QLineEdit *>("experimentSigmas")->setText("0.4, x");
        QTest::mouseClick(run, Qt::LeftButton);
        QCOMPARE(status->text(), QString("Sigmas (c): \"x\" is not a sigma; expected numbers "
                                         "above 0 and at most 10, separated by commas"));
        QVERIFY(!box->isRunning());
        for (const char *id : {"a", "b", "c", "d", "e", "f", "g"})
            row(id)->setChecked(false);
        QTest::mouseClick(run, Qt::LeftButton);
        QCOMPARE(status->text(), QString("Rows: none chosen; tick at least one of a to g (or r)"));
        QVERIFY(!box->isRunning());

        row("a")->setChecked(true);
        box->findChild<QLineEdit *>("experimentSigmas")->setText("0.4");
        TrainConfig base;
        base.evalData = m_data.toStdString();
        base.batch = 16;
        base.probeEvery = 0;
        base.probeTrain = 500;
        base.probeValidation = 200;
        box->setBaseConfig(base);
        // Pinned in the box (auto would be bf16 on a CPU with native bfloat16).
        box->findChild<QComboBox *>("experimentPrecision")->setCurrentText("fp32");
        ReportCardOptions card; // the quick card of experimentPresetStopsResumesAndLists
        card.samples = 200;
        card.casImages = 400;
        card.epochs = 1;
        card.cacheDir = m_tmp.filePath("classifiers").toStdString();
        box->setReportCardOptions(card);
        box->findChild<QComboBox *>("experimentBudgetUnit")->setCurrentIndex(1);
        box->findChild<QDoubleSpinBox *>("experimentBudget")->setValue(2);
        const QString folder = m_tmp.filePath("experiment-a");
        box->setFolder(folder);
        QSignalSpy finished(box, &latent::studio::ExperimentBox::finished);
        QTest::mouseClick(run, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 300000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QCOMPARE(QDir(folder + "/runs").entryList(QDir::Dirs | QDir::NoDotAndDotDot),
                 QStringList{"a-s1"});
        QFile report(folder + "/results.md");
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QString md = QString::fromUtf8(report.readAll());
        QVERIFY2(md.contains("| a |") && !md.contains("| b |") &&
                     md.contains("--seeds 1 --encoder small --precision fp32 --rows a --sigmas "
                                 "0.4 --out " +
                                 folder) &&
                     md.contains("Every run trained in fp32."),
                 qPrintable(md));
        QCOMPARE(readTrainConfig((folder + "/runs/a-s1/config.json").toStdString()).precision,
                 std::string("fp32"));

        // The run's probe L2 chosen on validation from the Runs tab, on its
        // checkpoint, off the UI thread.
        RunsPanel runs;
        QSignalSpy loaded(&runs, &RunsPanel::loaded);
        runs.setRoot(folder + "/runs");
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        auto *chooseL2 = runs.findChild<QPushButton *>("runProbeL2");
        QVERIFY(!chooseL2->isEnabled()); // nothing selected
        runs.select("a-s1");
        QVERIFY(chooseL2->isEnabled());
        QSignalSpy chosen(&runs, &RunsPanel::probeL2Chosen);
        QTest::mouseClick(chooseL2, Qt::LeftButton);
        QVERIFY(!chooseL2->isEnabled()); // one at a time
        QTRY_COMPARE_WITH_TIMEOUT(chosen.count(), 1, 120000);
        QCOMPARE(chosen.first().at(1).toString(), QString());
        const QString result = runs.findChild<QLabel *>("runProbeL2Result")->text();
        QVERIFY2(result.startsWith("a-s1: probe L2 on validation (2x2 pool): 1e-06 ") &&
                     result.contains("(the reports' fixed 1e-04: validation "),
                 qPrintable(result));
        QVERIFY(chooseL2->isEnabled());
    }

    // The Train tab's real dataset: a colour class folder chosen in the
    // picker is summarised with samples, a broken one shows its error, and
    // a real-data run trains on the chosen folder at its own shape.
    void realDatasetPickedSummarisedAndTrained()
    {
        const QString folder = m_tmp.filePath("colour-folder");
        for (const QString cls : {"red", "blue"})
            for (int i = 0; i < 6; ++i) {
                QDir(folder).mkpath(cls);
                QImage img(24, 24, QImage::Format_RGB888);
                img.fill(cls == "red" ? QColor(220, 30 + i, 30) : QColor(30, 30 + i, 220));
                QVERIFY(img.save(folder + QString("/%1/%2.png").arg(cls).arg(i)));
            }
        const QString runs = m_tmp.filePath("real-runs");
        qputenv("LATENT_STUDIO_RUNS", runs.toUtf8());
        MainWindow window;
        window.resize(1200, 800);
        window.showTab("train");
        TrainPanel *panel = window.trainPanel();
        auto *picker = panel->findChild<studio::DatasetPicker *>("trainDataset");
        QVERIFY(picker);
        QSignalSpy inspected(picker, &studio::DatasetPicker::inspected);
        picker->setSource(m_tmp.filePath("no-such-folder"));
        QTRY_VERIFY_WITH_TIMEOUT(inspected.count() > 0 && !inspected.last().at(0).toBool(), 30000);
        QCOMPARE(picker->summaryText(),
                 "dataset " + m_tmp.filePath("no-such-folder") + " does not exist");
        picker->setSource(folder);
        QTRY_VERIFY_WITH_TIMEOUT(picker->isValid(), 30000);
        QVERIFY2(picker->summaryText().contains("classes: 2") &&
                     picker->summaryText().contains("0 blue: train 5 test 1"),
                 qPrintable(picker->summaryText()));
        QCOMPARE(picker->findChild<QLabel *>("datasetSummary")->text(),
                 "folder: 10 train · 2 test images · 2 classes · RGB, 24 to 24 px");
        QVERIFY(!picker->findChild<QLabel *>("datasetSamples")->pixmap().isNull());

        panel->findChild<QComboBox *>("trainData")->setCurrentIndex(1); // real images
        panel->findChild<QSpinBox *>("trainBudget")->setValue(3);
        panel->findChild<QSpinBox *>("trainBatch")->setValue(4);
        panel->findChild<QSpinBox *>("trainProbeEvery")->setValue(0);
        panel->findChild<QLineEdit *>("trainRunName")->setText("real-colour");
        QSignalSpy states(panel, &TrainPanel::stateChanged);
        QTest::mouseClick(panel->findChild<QPushButton *>("trainButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(states.count() > 0 && states.last().at(0).toString() == "finished",
                                 120000);
        const TrainConfig c = readTrainConfig((runs + "/real-colour/config.json").toStdString());
        QCOMPARE(QString::fromStdString(c.realData), folder);
        QCOMPARE(QString::fromStdString(c.evalData), folder);
        qunsetenv("LATENT_STUDIO_RUNS");
    }

    void trainPauseResumeStopFromTheWindow()
    {
        const QString runs = m_tmp.filePath("ui-runs");
        qputenv("LATENT_STUDIO_RUNS", runs.toUtf8());
        // The studio's setting (its main()); the other tests train at the
        // test's own priority, which keeps them fast when ctest runs two at once.
        setBackgroundNiceness(kInteractiveBackgroundNiceness);
        const auto normal = qScopeGuard([] { setBackgroundNiceness(0); });
        MainWindow window;
        window.resize(1200, 800);
        QVERIFY(test::loadDefaultGenerator(window));
        window.showTab("train");
        TrainPanel *panel = window.trainPanel();
        panel->findChild<QSpinBox *>("trainBudget")->setValue(5000);
        panel->findChild<QSpinBox *>("trainBatch")->setValue(16);
        panel->findChild<QSpinBox *>("trainProbeEvery")->setValue(4);
        panel->findChild<QLineEdit *>("trainRunName")->setText("from-ui");
        QSignalSpy states(panel, &TrainPanel::stateChanged);
        QTest::mouseClick(panel->findChild<QPushButton *>("trainButton"), Qt::LeftButton);

        // The run trains 10 nice steps below this test: a job beside it on
        // the cores (another test, a neighbour's process) starves it, and the
        // first online probe took 61 s here beside one (3 minutes allowed).
        CurvePlot *loss = panel->lossPlot();
        QTRY_VERIFY_WITH_TIMEOUT(loss->pointCount(0) >= 3, 180000);
        QTRY_VERIFY_WITH_TIMEOUT(panel->accuracyPlot()->pointCount(0) >= 1, 180000);
        QTRY_VERIFY_WITH_TIMEOUT(
            panel->findChild<widgets::ImageGridWidget *>("trainViews")->cellCount() > 0, 30000);

        auto *pause = panel->findChild<QPushButton *>("pauseButton");
        QTest::mouseClick(pause, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(states.count() > 0 && states.last().at(0).toString() == "paused",
                                 30000);
        QTest::qWait(300); // let queued points of the last step arrive
        const int held = loss->pointCount(0);
        QTest::qWait(1500);
        QCOMPARE(loss->pointCount(0), held);
        // The window trains below the UI thread's priority.
        const int background =
            std::min(19, test::mainThreadNice() + kInteractiveBackgroundNiceness);
        QCOMPARE(test::threadNiceValues("latent-train"), std::set<int>{background});
        QCOMPARE(test::threadNiceValues("latent-batches"), std::set<int>{background});

        // A click on the loss curve's point of step 2 shows that batch, made again and checked.
        const auto point = loss->plot()->graph(0)->data()->at(1); // step 2
        QCOMPARE(point->key, 2.0);
        loss->plot()->replot();
        const QPoint at(int(std::lround(loss->plot()->xAxis->coordToPixel(point->key))),
                        int(std::lround(loss->plot()->yAxis->coordToPixel(point->value))));
        QTest::mouseClick(loss->plot(), Qt::LeftButton, {}, at);
        latent::studio::BatchReplayDialog *batch = panel->batchDialog();
        QVERIFY(batch && batch->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!batch->busy(), 60000);
        QVERIFY2(batch->verdict().startsWith("matches the batch trained at step 2 "),
                 qPrintable(batch->verdict()));
        QCOMPARE(batch->imageCount(), 16 * 2);

        // The Views tab's recipe applied to the paused run holds from its next
        // step: recorded as version 2 and marked on every curve.
        auto *apply = window.composerPanel()->findChild<QPushButton *>("applyToTraining");
        QVERIFY(apply->isEnabled());
        window.composerPanel()->findChild<QLineEdit *>("recipeName")->setText("applied");
        QTest::mouseClick(apply, Qt::LeftButton);
        QVERIFY2(window.composerPanel()
                     ->findChild<QLabel *>("applyResult")
                     ->text()
                     .startsWith("Applied"),
                 qPrintable(window.composerPanel()->findChild<QLabel *>("applyResult")->text()));

        QTest::mouseClick(pause, Qt::LeftButton); // now "Resume"
        QTRY_VERIFY_WITH_TIMEOUT(loss->pointCount(0) > held, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(loss->markerCount(), 1, 30000);
        QCOMPARE(panel->accuracyPlot()->markerCount(), 1);
        const auto versions = readRecipeVersions(panel->currentRunDir().toStdString());
        QCOMPARE(int(versions.size()), 2);
        QCOMPARE(versions[1].fromStep, held + 1);
        QCOMPARE(versions[1].recipe.name, std::string("applied"));
        QCOMPARE(versions[1].source, std::string("studio"));

        QTest::mouseClick(panel->findChild<QPushButton *>("stopButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(states.last().at(0).toString() == "stopped", 30000);
        QVERIFY(panel->findChild<QPushButton *>("trainButton")->isEnabled());

        RunsPanel *list = window.runsPanel();
        QTRY_COMPARE_WITH_TIMEOUT(list->runNames(), QStringList{"from-ui"}, 30000);
        // The list read when the run started may still be shown: the one
        // read after it ended (runEnded) says stopped.
        const auto stoppedInList = [list] {
            list->select("from-ui");
            return list->selected() && list->selected()->status.state == RunState::Stopped;
        };
        QTRY_VERIFY_WITH_TIMEOUT(stoppedInList(), 30000);
        QVERIFY(!std::isnan(list->selected()->onlineProbe));
        list->setOverlaid({"from-ui"});
        QVERIFY(list->lossPlot()->pointCount(0) >= held);
        QCOMPARE(list->lossPlot()->markerCount(), 1); // the recipe change
        qunsetenv("LATENT_STUDIO_RUNS");
    }

    // Processes: 2 from the Train tab: rank 0 trains in the window (its
    // curves), rank 1 as latent-cli; the run cannot start unless rank 1
    // joins, and ends at the step budget on both.
    void severalProcessesTrainFromTheWindow()
    {
        const QString runs = m_tmp.filePath("ranks-runs");
        qputenv("LATENT_STUDIO_RUNS", runs.toUtf8());
        MainWindow window;
        QVERIFY(test::loadDefaultGenerator(window));
        TrainPanel *panel = window.trainPanel();
        panel->setCliPath(LATENT_CLI_PATH);
        panel->findChild<QSpinBox *>("trainBudget")->setValue(6);
        panel->findChild<QSpinBox *>("trainBatch")->setValue(16);
        panel->findChild<QSpinBox *>("trainProbeEvery")->setValue(0);
        panel->findChild<QComboBox *>("trainPrecision")->setCurrentText("fp32");
        panel->findChild<QSpinBox *>("trainProcesses")->setValue(2);
        panel->findChild<QLineEdit *>("trainRunName")->setText("two-ranks");
        // Probed on the small dataset: the final evaluation is rank 0's alone.
        panel->findChild<studio::DatasetPicker *>("trainDataset")->setSource(m_data);
        QSignalSpy states(panel, &TrainPanel::stateChanged);
        QSignalSpy started(panel, &TrainPanel::runStarted);
        QTest::mouseClick(panel->findChild<QPushButton *>("trainButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 120000);
        QVERIFY(!panel->findChild<QPushButton *>("pauseButton")->isEnabled()); // ranks cannot wait
        QTRY_VERIFY_WITH_TIMEOUT(states.count() > 0 && states.last().at(0).toString() == "finished",
                                 120000);
        QCOMPARE(panel->findChild<QLabel *>("trainError")->text(), QString());
        QCOMPARE(panel->lossPlot()->pointCount(0), 6);
        const RunStatus status = readRunStatus((runs + "/two-ranks").toStdString());
        QVERIFY(status.state == RunState::Finished);
        QCOMPARE(status.step, 6);
        qunsetenv("LATENT_STUDIO_RUNS");
    }

    // A run of 2 processes (rank 1 as latent-cli) long enough to be stopped or killed.
    static void setLongTwoRankRun(TrainPanel *panel, const QString &name)
    {
        panel->setCliPath(LATENT_CLI_PATH);
        panel->findChild<QSpinBox *>("trainBudget")->setValue(5000);
        panel->findChild<QSpinBox *>("trainBatch")->setValue(16);
        panel->findChild<QSpinBox *>("trainProbeEvery")->setValue(0);
        panel->findChild<QSpinBox *>("trainProcesses")->setValue(2);
        panel->findChild<QLineEdit *>("trainRunName")->setText(name);
    }

    // Stop with 2 processes: every rank stops at the same step, rank 1 with
    // latent-cli's "stopped" exit code, which is no failure (the tab showed
    // "rank 1 exited with code 130" in red). Quitting asks first, then stops
    // the run and closes once it has saved its checkpoint; and a run resumed
    // from the Runs tab shows its own settings in the form.
    void stopAndQuitWithSeveralProcesses()
    {
        const QString runs = m_tmp.filePath("stopped-ranks-runs");
        qputenv("LATENT_STUDIO_RUNS", runs.toUtf8());
        QApplication::setQuitOnLastWindowClosed(false); // the test goes on after the close
        MainWindow window;
        QVERIFY(test::loadDefaultGenerator(window));
        window.show();
        TrainPanel *panel = window.trainPanel();
        setLongTwoRankRun(panel, "stopped-ranks");
        QSignalSpy states(panel, &TrainPanel::stateChanged);
        QTest::mouseClick(panel->findChild<QPushButton *>("trainButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(panel->lossPlot()->pointCount(0) >= 2, 120000);

        QVERIFY(!window.close()); // asks instead
        QMessageBox *ask = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((ask = window.findChild<QMessageBox *>("quitWhileRunning")),
                                 10000);
        QTest::mouseClick(ask->button(QMessageBox::Cancel), Qt::LeftButton);
        QTRY_VERIFY(!window.findChild<QMessageBox *>("quitWhileRunning"));
        QVERIFY(window.isVisible() && panel->isTraining());

        QVERIFY(!window.close());
        QTRY_VERIFY_WITH_TIMEOUT((ask = window.findChild<QMessageBox *>("quitWhileRunning")),
                                 10000);
        QTest::mouseClick(ask->findChild<QPushButton *>("stopAndQuitButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isVisible(), 120000);
        QCOMPARE(states.last().at(0).toString(), QString("stopped"));
        // Rank 1 (the process whose command line holds the run folder) has
        // exited and its end was seen.
        QTRY_COMPARE_WITH_TIMEOUT(QProcess::execute("pgrep", {"-f", runs + "/stopped-ranks"}), 1,
                                  60000);
        QTest::qWait(500);
        QCOMPARE(panel->findChild<QLabel *>("trainError")->text(), QString());
        const QString dir = runs + "/stopped-ranks";
        QVERIFY(readRunStatus(dir.toStdString()).state == RunState::Stopped);
        QVERIFY(QFile::exists(dir + "/checkpoint.pt"));

        // Resumed with other settings in the form: the form shows the run's.
        panel->findChild<QSpinBox *>("trainProcesses")->setValue(1);
        panel->findChild<QSpinBox *>("trainBatch")->setValue(64);
        panel->findChild<QComboBox *>("trainOptimizer")->setCurrentText("adam");
        auto *dataset = panel->findChild<studio::DatasetPicker *>("trainDataset");
        const QString runData = dataset->source();
        dataset->setSource(m_tmp.filePath("no-such-dataset"));
        QSignalSpy started(panel, &TrainPanel::runStarted);
        panel->resumeRun(dir);
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 120000);
        QCOMPARE(panel->findChild<QSpinBox *>("trainBatch")->value(), 16);
        QCOMPARE(panel->findChild<QComboBox *>("trainOptimizer")->currentText(), QString("sgd"));
        QCOMPARE(panel->findChild<QSpinBox *>("trainBudget")->value(), 5000);
        // Its dataset shown, not read a second time beside the run's copy.
        QCOMPARE(dataset->source(), runData);
        QVERIFY2(dataset->findChild<QLabel *>("datasetSummary")
                     ->text()
                     .startsWith("The dataset of the run in the Train tab"),
                 qPrintable(dataset->findChild<QLabel *>("datasetSummary")->text()));
        panel->stopTraining();
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isTraining(), 120000);
        qunsetenv("LATENT_STUDIO_RUNS");
    }

    // Rank 1 killed mid-run: rank 0 fails instead of waiting, and the Train
    // tab names the rank; another run can start.
    void aKilledRankFailsTheRun()
    {
        const QString runs = m_tmp.filePath("killed-ranks-runs");
        qputenv("LATENT_STUDIO_RUNS", runs.toUtf8());
        MainWindow window;
        QVERIFY(test::loadDefaultGenerator(window));
        TrainPanel *panel = window.trainPanel();
        setLongTwoRankRun(panel, "killed-rank");
        QSignalSpy states(panel, &TrainPanel::stateChanged);
        QTest::mouseClick(panel->findChild<QPushButton *>("trainButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(panel->lossPlot()->pointCount(0) >= 2, 120000);
        // Rank 1 is the only process whose command line holds the run folder.
        QCOMPARE(QProcess::execute("pkill", {"-KILL", "-f", runs + "/killed-rank"}), 0);
        QTRY_VERIFY_WITH_TIMEOUT(states.last().at(0).toString() == "failed", 120000);
        const QString error = panel->findChild<QLabel *>("trainError")->text();
        QVERIFY2(error.contains("rank 1 was killed or crashed"), qPrintable(error));
        QVERIFY(panel->findChild<QPushButton *>("trainButton")->isEnabled());
        QVERIFY(readRunStatus((runs + "/killed-rank").toStdString()).state == RunState::Failed);
        qunsetenv("LATENT_STUDIO_RUNS");
    }

    void severalProcessesNeedTheCli()
    {
        const QString runs = m_tmp.filePath("no-cli-runs");
        qputenv("LATENT_STUDIO_RUNS", runs.toUtf8());
        MainWindow window;
        QVERIFY(test::loadDefaultGenerator(window));
        TrainPanel *panel = window.trainPanel();
        panel->setCliPath("/nonexistent/latent-cli");
        panel->findChild<QSpinBox *>("trainProcesses")->setValue(2);
        QTest::mouseClick(panel->findChild<QPushButton *>("trainButton"), Qt::LeftButton);
        QCOMPARE(panel->findChild<QLabel *>("trainError")->text(),
                 QString("Training with 2 processes needs latent-cli, which is not at "
                         "/nonexistent/latent-cli"));
        QVERIFY(panel->findChild<QPushButton *>("trainButton")->isEnabled());
        QVERIFY(!QDir(runs).exists());
        // A setting the config refuses is named as the tab's, before any
        // folder (the message named the run's config.json, never written).
        panel->findChild<QSpinBox *>("trainProcesses")->setValue(1);
        panel->findChild<QSpinBox *>("trainResolution")->setValue(5);
        QTest::mouseClick(panel->findChild<QPushButton *>("trainButton"), Qt::LeftButton);
        const QString error = panel->findChild<QLabel *>("trainError")->text();
        QVERIFY2(error.startsWith("training config of the Train tab: ") &&
                     error.contains("resolution") && error.contains("8 to 1024 pixels"),
                 qPrintable(error));
        QVERIFY(!QDir(runs).exists());
        qunsetenv("LATENT_STUDIO_RUNS");
    }

    // Export Cluster Job: the form's settings and the recipe go to a job
    // folder with a Slurm script that bash accepts; a batch the ranks
    // cannot share is refused by name.
    void clusterJobExported()
    {
        MainWindow window;
        QVERIFY(test::loadDefaultGenerator(window));
        TrainPanel *panel = window.trainPanel();
        QVERIFY(panel->findChild<QPushButton *>("exportJobButton"));
        panel->findChild<QSpinBox *>("trainBatch")->setValue(512);
        panel->findChild<QComboBox *>("trainPrecision")->setCurrentText("bf16");
        ClusterJob job;
        job.nodes = 2;
        job.ranksPerNode = 4;
        job.runDir = m_tmp.filePath("shared/runs/big").toStdString();
        // Written on the panel's file worker: the call returns at once.
        QSignalSpy exported(panel, &TrainPanel::clusterJobExported);
        const auto exportJob = [&](const QString &folder) {
            exported.clear();
            panel->exportClusterJob(folder, job);
            if (!exported.wait(30000)) return QString("no clusterJobExported() signal");
            if (exported.at(0).at(0).toString() != folder)
                return QString("another folder's signal");
            return exported.at(0).at(1).toString();
        };
        const QString folder = m_tmp.filePath("jobs/big");
        QCOMPARE(exportJob(folder), QString());
        QVERIFY2(panel->findChild<QLabel *>("trainStatus")->text().contains("sbatch"),
                 qPrintable(panel->findChild<QLabel *>("trainStatus")->text()));
        for (const char *f : {"config.json", "recipe.json", "job.sbatch", "torchrun.sh"})
            QVERIFY2(QFile::exists(folder + "/" + f), f);
        QCOMPARE(QProcess::execute("bash", {"-n", folder + "/job.sbatch"}), 0);
        const TrainConfig c = readTrainConfig((folder + "/config.json").toStdString());
        QCOMPARE(c.batch, 512);
        QCOMPARE(QString::fromStdString(c.precision), QString("bf16"));
        QVERIFY(readRecipe((folder + "/recipe.json").toStdString()).generator.sha256 ==
                sha256OfFile(LATENT_DEFAULT_GENERATOR));

        panel->findChild<QSpinBox *>("trainBatch")->setValue(500);
        const QString error = exportJob(m_tmp.filePath("jobs/odd"));
        QVERIFY2(error.contains("cannot be split evenly between 8 ranks"), qPrintable(error));
        QCOMPARE(panel->findChild<QLabel *>("trainError")->text(), error);
        QVERIFY(!QDir(m_tmp.filePath("jobs/odd")).exists());
    }

    void runsOnDiskLoadOverlayAndReportProblems()
    {
        RunsPanel panel;
        QSignalSpy loaded(&panel, &RunsPanel::loaded);
        panel.setRoot(m_disk);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QCOMPARE(panel.runNames(), (QStringList{"alpha", "beta"}));
        const QStringList problems = panel.problems();
        QCOMPARE(problems.size(), 2);
        QVERIFY2(problems.join('\n').contains(
                     "half is incomplete: status.json is missing (a run interrupted "
                     "while it was created"),
                 qPrintable(problems.join('\n')));
        QVERIFY2(problems.join('\n').contains("garbled/status.json"),
                 qPrintable(problems.join('\n')));

        QCOMPARE(panel.overlaid(), (QStringList{"alpha", "beta"})); // the newest, at first load
        panel.setOverlaid({"alpha", "beta"});
        QCOMPARE(panel.lossPlot()->seriesCount(), 2);
        QCOMPARE(panel.lossPlot()->seriesName(0), QString("alpha"));
        QCOMPARE(panel.lossPlot()->seriesName(1), QString("beta"));
        QCOMPARE(panel.lossPlot()->pointCount(0), 4);
        QCOMPARE(panel.lossPlot()->pointCount(1), 6);
        QCOMPARE(panel.accuracyPlot()->pointCount(4), 3); // beta's online probes at 2, 4, 6
        panel.setOverlaid({"beta"});
        QCOMPARE(panel.lossPlot()->seriesCount(), 1);
    }

    void exports()
    {
        RunsPanel panel;
        QSignalSpy loaded(&panel, &RunsPanel::loaded);
        panel.setRoot(m_disk);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        panel.select("beta");
        const QString out = m_tmp.filePath("exports");
        QDir().mkpath(out);
        // Written on the panel's worker: each export ends with exported().
        QSignalSpy exported(&panel, &RunsPanel::exported);
        const auto waitExported = [&](const QString &path, const std::function<void()> &start) {
            exported.clear();
            start();
            if (!exported.wait(30000)) return QString("no exported() signal");
            if (exported.at(0).at(0).toString() != path) return QString("another path's signal");
            return exported.at(0).at(1).toString();
        };
        const auto exportReport = [&](const QString &path) {
            return waitExported(path, [&] { panel.exportReport(path); });
        };
        QCOMPARE(exportReport(out + "/beta.md"), QString());
        QFile md(out + "/beta.md");
        QVERIFY(md.open(QIODevice::ReadOnly));
        const QString text = md.readAll();
        QVERIFY(text.contains("# Run beta") && text.contains("## Metrics") &&
                text.contains("| online | 6 |") && text.contains("\"schema_version\"") &&
                text.contains("![Training loss (smoothed)](beta-loss.png)"));
        QVERIFY(QFileInfo(out + "/beta-loss.png").size() > 1000);
        // At the report's size (900 x 450, x2): drawn off screen, the plot
        // kept its default size and every figure came out 640 x 400.
        QCOMPARE(QImage(out + "/beta-loss.png").width(), 1800);
        QVERIFY(QFileInfo(out + "/beta-accuracy.png").size() > 1000);
        QCOMPARE(exportReport(out + "/beta.html"), QString());
        QFile html(out + "/beta.html");
        QVERIFY(html.open(QIODevice::ReadOnly));
        QVERIFY(QString(html.readAll()).contains("<img src=\"beta-loss.png\""));
        // A folder that is not there: its path in the message, nothing written.
        const QString missing = m_tmp.filePath("no/such/dir/r.md");
        const QString reportError = exportReport(missing);
        QVERIFY2(reportError.contains("no/such/dir/r-loss.png"), qPrintable(reportError));

        const auto exportFile = [&](const char *which, const QString &path) {
            return waitExported(path, [&] { panel.exportFile(which, path); });
        };
        for (const char *which : {"encoder", "metrics", "recipe"}) {
            const QString path = out + "/" + which;
            QCOMPARE(exportFile(which, path), QString());
            const RunFiles beta{(m_disk + "/beta").toStdString()};
            const std::string source = which == QString("encoder")   ? beta.encoder()
                                       : which == QString("metrics") ? beta.metricsCsv()
                                                                     : beta.recipe();
            QCOMPARE(QFileInfo(path).size(), QFileInfo(QString::fromStdString(source)).size());
        }
        const QString error = exportFile("metrics", m_tmp.filePath("no/such/dir/m.csv"));
        QVERIFY2(error.contains("no/such/dir/m.csv"), qPrintable(error));

        CurvePlot *plot = panel.lossPlot();
        panel.setOverlaid({"alpha", "beta"});
        for (const char *suffix : {"png", "svg", "pdf"}) {
            QString err;
            QVERIFY2(plot->exportTo(out + "/plot." + suffix, &err), qPrintable(err));
            QVERIFY(QFileInfo(out + "/plot." + suffix).size() > 500);
        }
        // Again over the same file: replaced in one step, nothing left beside it.
        const QDateTime first = QFileInfo(out + "/plot.png").lastModified();
        QTest::qSleep(20);
        QString err;
        QVERIFY2(plot->exportTo(out + "/plot.png", &err), qPrintable(err));
        QVERIFY(QFileInfo(out + "/plot.png").lastModified() > first);
        QCOMPARE(QDir(out).entryList({"*.part.*"}), QStringList());
        QVERIFY(!plot->exportTo(out + "/plot.gif", &err));
        QVERIFY2(err.contains("expected .png, .svg or .pdf"), qPrintable(err));
        plot->setLogScale(true);
        QVERIFY(plot->logScale());
    }
};

QTEST_MAIN(TestTrainWindow)
#include "test_trainwindow.moc"
