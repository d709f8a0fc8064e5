// SPDX-License-Identifier: MIT
// The views tab of the real window: live preview, diagnostics, recipes.
#include "composerpanel.h"
#include "explorerpanel.h"
#include "exportdatasetdialog.h"
#include "imagegridwidget.h"
#include "mainwindow.h"
#include "runtime.h"
#include "views/viewrecipe.h"
#include "windowtest.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using latent::studio::ComposerPanel;
using latent::studio::ExportDatasetDialog;
using latent::studio::MainWindow;

class TestComposer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        latent::configureRuntime();
    }

    void previewFollowsTheRecipe()
    {
        MainWindow window;
        window.show();
        window.showTab("views");
        ComposerPanel *composer = window.composerPanel();
        QSignalSpy shown(composer, &ComposerPanel::previewShown);
        window.openGenerator(LATENT_DEFAULT_GENERATOR);
        auto *preview = composer->preview();
        QTRY_COMPARE_WITH_TIMEOUT(preview->cellCount(), 6 * 7,
                                  30000); // 6 anchors, anchor + 6 views
        QVERIFY(!window.findChild<QLabel *>("viewDiagnostics")->text().isEmpty());

        // Latent-only views with sigma 0 are copies: positives at distance 0.
        window.findChild<QComboBox *>("previewMode")->setCurrentIndex(1);
        window.findChild<QDoubleSpinBox *>("sigma")->setValue(0.0);
        QTRY_VERIFY_WITH_TIMEOUT(composer->diagnostics().pixelDistancePositives < 1e-6, 30000);
        QVERIFY(preview->cell(0).image == preview->cell(1).image); // anchor == its view
        window.findChild<QDoubleSpinBox *>("sigma")->setValue(0.6);
        QTRY_VERIFY_WITH_TIMEOUT(composer->diagnostics().pixelDistancePositives > 0.02, 30000);
        // One anchor has no other anchor's views to compare with: said, not
        // shown as zeros with a warning that views break identity.
        auto *diagnostics = window.findChild<QLabel *>("viewDiagnostics");
        window.findChild<QSpinBox *>("previewAnchors")->setValue(1);
        QTRY_VERIFY_WITH_TIMEOUT(diagnostics->text().contains("show at least 2 anchors"), 30000);
        window.findChild<QSpinBox *>("previewAnchors")->setValue(6);
        QTRY_VERIFY_WITH_TIMEOUT(diagnostics->text().startsWith("Positives: pixel RMS"), 30000);

        // Same-class positives: anchors in pairs of one class, captioned
        // with it, and the diagnostics say how close same-class images are.
        window.findChild<QComboBox *>("previewMode")->setCurrentIndex(0);
        window.findChild<QCheckBox *>("classPositives")->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(diagnostics->text().contains("Same-class positives"), 30000);
        QVERIFY(!preview->cell(0).caption.isEmpty());
        QCOMPARE(preview->cell(7).caption, preview->cell(0).caption); // the second anchor
        QVERIFY(preview->cell(1).caption.isEmpty());                  // a view
        window.findChild<QCheckBox *>("classPositives")->setChecked(false);
        QTRY_VERIFY_WITH_TIMEOUT(!diagnostics->text().contains("Same-class positives"), 30000);
        QVERIFY(preview->cell(0).caption.isEmpty());

        // Steered walks come from the explorer's direction sets.
        auto *walks = window.findChild<QTableWidget *>("steeredWalks");
        QTRY_COMPARE_WITH_TIMEOUT(walks->rowCount(), 8, 30000); // SeFa, found at load
        walks->item(0, 0)->setCheckState(Qt::Checked);
        QCOMPARE(composer->recipe().views.steered.size(), std::size_t(1));
        QCOMPARE(composer->recipe().views.steered[0].direction, std::string("sefa 0"));
    }

    void recipesSaveOpenAndWarnAboutAnotherGenerator()
    {
        MainWindow window;
        QVERIFY(latent::test::loadDefaultGenerator(window));
        ComposerPanel *composer = window.composerPanel();
        QTemporaryDir dir;
        const QString path = dir.filePath("r.json");
        window.findChild<QDoubleSpinBox *>("sigma")->setValue(0.35);
        QSignalSpy written(&window, &MainWindow::recipeSaved);
        window.saveRecipeTo(path);
        QTRY_COMPARE_WITH_TIMEOUT(written.count(), 1, 30000);
        QCOMPARE(written.first().at(1).toString(), QString());
        QString error;
        const latent::ViewRecipe saved = latent::readRecipe(path.toStdString());
        QCOMPARE(saved.views.sigma, 0.35f);
        QCOMPARE(saved.generator.file, std::string("fashion-cgan.pt"));
        QCOMPARE(saved.generator.sha256.size(), std::size_t(64));
        QCOMPARE(saved.directionSets.size(), std::size_t(1));

        // Opening restores the controls.
        window.findChild<QDoubleSpinBox *>("sigma")->setValue(0.9);
        QCOMPARE(composer->openRecipe(path, false, &error), ComposerPanel::OpenResult::Opened);
        QCOMPARE(window.findChild<QDoubleSpinBox *>("sigma")->value(), 0.35);

        // A recipe made with another generator asks first.
        latent::ViewRecipe other = saved;
        other.generator.sha256 = std::string(64, '0');
        latent::writeRecipe(other, path.toStdString());
        QCOMPARE(composer->openRecipe(path, false, &error),
                 ComposerPanel::OpenResult::GeneratorMismatch);
        QVERIFY(error.contains("SHA-256 000000000000"));
        QCOMPARE(composer->openRecipe(path, true, &error), ComposerPanel::OpenResult::Opened);

        // A broken one names the field and changes nothing.
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QByteArray::fromStdString(latent::toJson(saved))
                    .replace("\"sigma\": 0.35", "\"sigma\": -1"));
        f.close();
        window.findChild<QDoubleSpinBox *>("sigma")->setValue(0.5);
        QCOMPARE(composer->openRecipe(path, false, &error), ComposerPanel::OpenResult::Failed);
        QVERIFY2(error.contains("field 'views.gaussian.sigma' is -1, expected a number in [0, 10]"),
                 qPrintable(error));
        QCOMPARE(window.findChild<QDoubleSpinBox *>("sigma")->value(), 0.5);

        // An unwritable folder is an error, not a crash.
        window.saveRecipeTo("/nonexistent-dir/r.json");
        QTRY_COMPARE_WITH_TIMEOUT(written.count(), 2, 30000);
        QVERIFY(written.last().at(1).toString().contains("cannot write /nonexistent-dir/r.json"));
    }
    // File > Export Dataset… writes the Views tab's recipe (its sigma here)
    // on a worker thread; Stop keeps what was written and Export continues.
    void exportDatasetFromTheViewsTab()
    {
        MainWindow window;
        QVERIFY(latent::test::loadDefaultGenerator(window));
        window.findChild<QDoubleSpinBox *>("sigma")->setValue(0.35);
        window.findChild<QAction *>("exportDatasetAction")->trigger();
        auto *dialog = window.findChild<ExportDatasetDialog *>("exportDatasetDialog");
        QVERIFY(dialog);
        QTemporaryDir dir;
        const QString folder = dir.filePath("export");
        dialog->findChild<QSpinBox *>("exportAnchors")->setValue(400);
        dialog->findChild<QSpinBox *>("exportViews")->setValue(2);
        dialog->findChild<QSpinBox *>("exportChunk")->setValue(4);
        dialog->findChild<QLineEdit *>("exportFolder")->setText(folder);
        QSignalSpy ended(dialog, &ExportDatasetDialog::exportEnded);
        auto *start = dialog->findChild<QPushButton *>("exportStart");
        auto *stop = dialog->findChild<QPushButton *>("exportStop");
        auto *status = dialog->findChild<QLabel *>("exportStatus");
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(dialog->running() && stop->isEnabled() && !start->isEnabled());
        QTest::mouseClick(stop, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
        QCOMPARE(ended.at(0).at(0).toBool(), false);
        QVERIFY2(status->text().contains("Stopped at"), qPrintable(status->text()));
        const latent::ExportFolder files{folder.toStdString()};
        const std::string settings = [&] {
            std::ifstream in(files.settings());
            return std::string(std::istreambuf_iterator<char>(in), {});
        }();
        QVERIFY2(settings.find("\"sigma\": 0.35") != std::string::npos, settings.c_str());

        QTest::mouseClick(start, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 2, 120000);
        QCOMPARE(ended.at(1).at(0).toBool(), true);
        QVERIFY2(status->text().contains("Export complete: 800 images"),
                 qPrintable(status->text()));
        std::ifstream manifest(files.manifest());
        int rows = 0;
        for (std::string line; std::getline(manifest, line);)
            ++rows;
        QCOMPARE(rows, 800);

        // Exporting into a folder of other files is refused, and says so.
        dialog->findChild<QLineEdit *>("exportFolder")->setText(dir.path());
        QTest::mouseClick(start, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 3, 60000);
        QVERIFY2(status->text().contains("not empty and holds no export"),
                 qPrintable(status->text()));
    }

    // An empty or relative folder is refused before anything starts (an
    // empty one failed with "cannot create export folder : Invalid
    // argument"). Quitting while an export runs asks, as for a run, and
    // closes once the export has stopped after its chunk in hand (the
    // window closed at once, and the process lingered, frozen, until then).
    void quitWhileExportingAndBadFolders()
    {
        QApplication::setQuitOnLastWindowClosed(false); // the test goes on after the close
        MainWindow window;
        QVERIFY(latent::test::loadDefaultGenerator(window));
        window.show();
        window.findChild<QAction *>("exportDatasetAction")->trigger();
        auto *dialog = window.findChild<ExportDatasetDialog *>("exportDatasetDialog");
        QVERIFY(dialog);
        auto *folder = dialog->findChild<QLineEdit *>("exportFolder");
        auto *start = dialog->findChild<QPushButton *>("exportStart");
        auto *status = dialog->findChild<QLabel *>("exportStatus");
        folder->setText("  ");
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(!dialog->running() && start->isEnabled());
        QCOMPARE(status->text(), QString("Choose the folder to export into."));
        folder->setText("exports/a");
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(!dialog->running());
        QCOMPARE(status->text(),
                 QString("The folder exports/a is relative; give a full path (Browse…)."));

        QTemporaryDir dir;
        const QString out = dir.filePath("export");
        folder->setText(out);
        dialog->findChild<QSpinBox *>("exportAnchors")->setValue(100000);
        dialog->findChild<QSpinBox *>("exportChunk")->setValue(16);
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(dialog->running());
        QVERIFY(!window.close()); // asks instead
        QMessageBox *ask = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((ask = window.findChild<QMessageBox *>("quitWhileRunning")),
                                 10000);
        QVERIFY2(ask->text().startsWith("A dataset export is running."), qPrintable(ask->text()));
        QTest::mouseClick(ask->findChild<QPushButton *>("stopAndQuitButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isVisible(), 60000);
        const latent::ExportFolder files{out.toStdString()};
        QVERIFY(QFile::exists(QString::fromStdString(files.manifest())));
    }
};

QTEST_MAIN(TestComposer)
#include "test_composer.moc"
