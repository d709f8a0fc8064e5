// SPDX-License-Identifier: MIT
// The explorer tab of the real window: sliders move the image, undo brings
// it back, directions are found on a worker.
#include "convgenerator.h"
#include "explorerpanel.h"
#include "imagegridwidget.h"
#include "latentpadwidget.h"
#include "mainwindow.h"
#include "runtime.h"
#include "windowtest.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

using latent::studio::ExplorerPanel;
using latent::studio::MainWindow;

class TestExplorer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        latent::configureRuntime();
    }

    void slidersMoveTheImageAndUndoRestoresIt()
    {
        MainWindow window;
        window.showTab("explore");
        QVERIFY(latent::test::loadDefaultGenerator(window));
        ExplorerPanel *explorer = window.explorerPanel();
        auto *image = explorer->imageView();
        QTRY_COMPARE_WITH_TIMEOUT(image->cellCount(), 1, 30000);
        QCOMPARE(int(explorer->directionSets().size()), 1); // SeFa is found at load
        const QImage start = image->cell(0).image;

        auto *slider = window.findChild<QSlider *>("direction0");
        QVERIFY(slider);
        slider->setValue(80); // alpha = 0.8 * 3
        QTRY_VERIFY_WITH_TIMEOUT(image->cell(0).image != start, 30000);
        QCOMPARE(explorer->alphas()[0], 2.4f);
        // Latent = anchor + alpha * w.
        const auto moved = explorer->currentLatent();
        explorer->undoStack()->undo();
        QCOMPARE(explorer->alphas()[0], 0.0f);
        QCOMPARE(slider->value(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(image->cell(0).image == start, 30000);
        double distance = 0;
        const auto back = explorer->currentLatent();
        for (std::size_t i = 0; i < back.size(); ++i)
            distance += (moved[i] - back[i]) * (moved[i] - back[i]);
        QVERIFY(std::abs(std::sqrt(distance) - 2.4) < 1e-3); // unit direction
        explorer->undoStack()->redo();
        QCOMPARE(slider->value(), 80);

        // A drag is one undo step.
        for (int v = 0; v <= 50; v += 10)
            window.findChild<QSlider *>("direction1")->setValue(v);
        QCOMPARE(explorer->undoStack()->count(), 2);
        QTest::mouseClick(window.findChild<QPushButton *>("resetAlphas"), Qt::LeftButton);
        QCOMPARE(explorer->alphas(), std::vector<float>(8, 0.0f));
    }

    void latentPadDrivesTwoDirections()
    {
        MainWindow window;
        window.resize(1300, 860);
        window.showTab("explore");
        QVERIFY(latent::test::loadDefaultGenerator(window));
        ExplorerPanel *explorer = window.explorerPanel();
        auto *pad = explorer->latentPad();
        QTest::mouseClick(window.findChild<QPushButton *>("showLatentPad"), Qt::LeftButton);
        QVERIFY(QTest::qWaitForWindowExposed(pad->window()));
        QTRY_VERIFY_WITH_TIMEOUT(pad->padRect().width() > 40, 10000); // ImGui has drawn a frame
        auto *neighbourhood =
            pad->window()->findChild<latent::widgets::ImageGridWidget *>("neighbourhood");
        QTRY_COMPARE_WITH_TIMEOUT(neighbourhood->cellCount(), 9, 30000);
        const QImage before = explorer->imageView()->cell(0).image;

        // Drag from the centre to three quarters right, one quarter up.
        const QRectF r = pad->padRect();
        const QPoint centre = r.center().toPoint();
        const QPoint target(int(r.left() + 0.875 * r.width()), int(r.top() + 0.25 * r.height()));
        QTest::mousePress(pad, Qt::LeftButton, {}, centre);
        for (int i = 1; i <= 4; ++i) {
            QTest::mouseMove(pad, centre + (target - centre) * i / 4);
            QTest::qWait(30);
        }
        QTest::mouseRelease(pad, Qt::LeftButton, {}, target);
        QTRY_VERIFY_WITH_TIMEOUT(explorer->alphas()[0] > 2.0f, 10000); // 0.75 of range 3
        QVERIFY(std::abs(explorer->alphas()[0] - 2.25f) < 0.15f);
        QVERIFY(std::abs(explorer->alphas()[1] - 1.5f) < 0.15f);
        QCOMPARE(window.findChild<QSlider *>("direction0")->value(),
                 int(std::lround(explorer->alphas()[0] / 3 * 100)));
        QTRY_VERIFY_WITH_TIMEOUT(explorer->imageView()->cell(0).image != before, 30000);
        // The whole drag is one undo step.
        QCOMPARE(explorer->undoStack()->count(), 1);
        // A smaller range pulls the dot in, and the latent with it (the
        // image, sliders and dot disagreed until the next drag).
        pad->chooseRange(1.0f);
        QCOMPARE(pad->position(), QPointF(1.0, 1.0));
        QCOMPARE(explorer->alphas()[0], 1.0f);
        QCOMPARE(explorer->alphas()[1], 1.0f);
        explorer->undoStack()->undo();
        explorer->undoStack()->undo();
        QCOMPARE(pad->position(), QPointF(0, 0));
        // A quick click (pressed and released before the next frame, as a
        // touchpad's tap) moves the dot: ImGui saw the button up both times.
        const QPoint spot(int(r.left() + 0.25 * r.width()), int(r.top() + 0.75 * r.height()));
        QTest::mouseClick(pad, Qt::LeftButton, {}, spot);
        QTRY_VERIFY_WITH_TIMEOUT(pad->position().x() < -0.2 && pad->position().y() < -0.2, 10000);
    }

    // A GAN whose latent enters no linear layer (z reshaped straight into an
    // image) loads: the tab starts with random directions and offers SeFa
    // greyed out with the reason (loading it ended the studio before).
    void generatorWithoutAProjectionLoads()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.show();
        QSignalSpy loaded(&window, &MainWindow::generatorLoaded);
        window.openGenerator(QString::fromStdString(
            latent::test::writeConvGenerator(dir.path().toStdString(), false)));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        ExplorerPanel *explorer = window.explorerPanel();
        QCOMPARE(int(explorer->directionSets().size()), 1);
        QCOMPARE(explorer->directionSets()[0].method, std::string("random"));
        auto *method = window.findChild<QComboBox *>("directionMethod");
        const QModelIndex sefa = method->model()->index(method->findData("sefa"), 0);
        QVERIFY(!(method->model()->flags(sefa) & Qt::ItemIsEnabled));
        QVERIFY(sefa.data(Qt::ToolTipRole).toString().contains("nothing for SeFa to factorise"));
        QCOMPARE(method->currentData().toString(), QString("pca"));
    }

    // Loading a generator while directions are being found cancels the
    // search and leaves Find directions usable (it stayed disabled).
    void loadingAGeneratorCancelsTheSearch()
    {
        MainWindow window;
        QVERIFY(latent::test::loadDefaultGenerator(window));
        ExplorerPanel *explorer = window.explorerPanel();
        QSignalSpy failed(explorer, &ExplorerPanel::directionsFailed);
        auto *compute = window.findChild<QPushButton *>("computeDirections");
        explorer->computeDirections("steer");
        QVERIFY(!compute->isEnabled());
        QSignalSpy loaded(&window, &MainWindow::generatorLoaded);
        window.openGenerator(LATENT_DEFAULT_GENERATOR);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(compute->isEnabled(), 30000);
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.first().first().toString(), QString("Cancelled"));
    }

    void findsDirectionsOnAWorker()
    {
        MainWindow window;
        QVERIFY(latent::test::loadDefaultGenerator(window));
        ExplorerPanel *explorer = window.explorerPanel();
        QSignalSpy computed(explorer, &ExplorerPanel::directionsComputed);
        auto *method = window.findChild<QComboBox *>("directionMethod");
        // A GAN has no sampler for walks to learn through.
        QVERIFY(!window.findChild<QSpinBox *>("walkSamplerSteps")->isVisibleTo(&window));
        method->setCurrentIndex(method->findData("random"));
        window.findChild<QLineEdit *>("setName")->setText("baseline");
        QTest::mouseClick(window.findChild<QPushButton *>("computeDirections"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(computed.count(), 1, 30000);
        QCOMPARE(int(explorer->directionSets().size()), 2);
        QCOMPARE(explorer->directionSets()[1].method, std::string("random"));
        QCOMPARE(explorer->directionSets()[1].name, std::string("baseline"));
        // SeFa offers the generator's projection weights by name.
        QVERIFY(method->model()->flags(method->model()->index(method->findData("sefa"), 0)) &
                Qt::ItemIsEnabled);
        auto *weight = window.findChild<QComboBox *>("sefaWeight");
        QVERIFY(weight->findData(QString("fc.weight")) > 0);
        auto *strips = window.findChild<latent::widgets::ImageGridWidget *>("directionStrips");
        QTRY_COMPARE_WITH_TIMEOUT(strips->cellCount(), 8 * 7, 30000);

        // A long computation can be cancelled.
        QSignalSpy failed(explorer, &ExplorerPanel::directionsFailed);
        explorer->computeDirections("steer");
        explorer->cancelComputation();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QCOMPARE(failed.first().first().toString(), QString("Cancelled"));
    }
};

QTEST_MAIN(TestExplorer)
#include "test_explorer.moc"
