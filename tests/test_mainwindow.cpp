// SPDX-License-Identifier: MIT
// The real studio window: loads the default generator and shows samples.
#include "badinputs.h"
#include "catsanddogs.h"
#include "composerpanel.h"
#include "datasetpicker.h"
#include "denoiser.h"
#include "experimentbox.h"
#include "explorerpanel.h"
#include "generatorpanel.h"
#include "imagegridwidget.h"
#include "language.h"
#include "mainwindow.h"
#include "preferencesdialog.h"
#include "reportcardbox.h"
#include "runspanel.h"
#include "runtime.h"
#include "smalldataset.h"
#include "uiruntime.h"
#include "views/directions.h"
#include "views/viewrecipe.h"
#include "windowtest.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QThreadPool>
#include <QTranslator>
#include <QtTest>

#include <memory>

using latent::studio::MainWindow;
using latent::widgets::ImageGridWidget;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // keep the user's settings out of it
        latent::studio::configureStudioRuntime(); // as the studio's main() does
    }

    // Qt's raster engine hands its larger fills to the global thread pool
    // and waits; the studio keeps that pool at one thread (uiruntime.h).
    void studioCapsQtsRasterPool()
    {
        QCOMPARE(QThreadPool::globalInstance()->maxThreadCount(),
                 latent::studio::kRasterPoolThreads);
        QCOMPARE(latent::studio::kRasterPoolThreads, 1);
    }

    // Every tab switch paints the new page: Fusion's framed group boxes and
    // tab pages made that paint 1.2-3x slower (bench_tabs), so the studio's
    // pages have none (widgethelpers.h: sectionBox, withoutPageFrame).
    void pagesPaintNoFusionFrames()
    {
        MainWindow window;
        const auto boxes = window.findChildren<QGroupBox *>();
        const auto tabWidgets = window.findChildren<QTabWidget *>();
        QVERIFY(boxes.size() >= 5);
        QVERIFY(tabWidgets.size() >= 3);
        for (const QGroupBox *box : boxes)
            QVERIFY2(box->isFlat(), qPrintable("framed group box: " + box->title()));
        for (const QTabWidget *tabs : tabWidgets)
            QVERIFY2(tabs->documentMode(), qPrintable("framed tab pages: " + tabs->objectName()));
    }

    void showsSamplesOfDefaultGenerator()
    {
        MainWindow window;
        window.resize(1100, 760);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // File > Open Shipped Generator lists the shipped generators by name.
        QAction *gan = nullptr;
        for (QAction *a : window.findChild<QMenu *>("shippedGeneratorsMenu")->actions())
            if (a->text() == "Fashion-MNIST conditional GAN (fashion-cgan)") gan = a;
        QVERIFY(gan);
        gan->trigger();
        auto *grid = window.findChild<ImageGridWidget *>("sampleGrid");
        QVERIFY(grid);
        QTRY_COMPARE_WITH_TIMEOUT(grid->cellCount(), 64, 30000);
        QVERIFY(window.generatorPanel()->isEnabled());
        // The device, threads and LibTorch this process uses, not fixed text.
        const QString device = window.findChild<QLabel *>("deviceLabel")->text();
        QVERIFY2(device.contains(QString::fromStdString(latent::preferredDeviceName())) &&
                     device.contains(QString(" %1 threads").arg(latent::torchThreads())) &&
                     device.contains(QString::fromStdString("LibTorch " + latent::torchVersion())),
                 qPrintable(device));
        // The window fits a 1366x768 laptop screen: the side columns of the
        // Samples and Train tabs scroll instead of setting its height (995
        // px before; that minimum also made each wrapped status line
        // resize and repaint the whole window during training).
        const QSize minimum = window.minimumSizeHint();
        QVERIFY2(minimum.height() <= 700 && minimum.width() <= 1280,
                 qPrintable(QString("%1x%2").arg(minimum.width()).arg(minimum.height())));

        // Pixels on screen, not just widgets: the first cell shows a garment
        // (many grey levels) and differs from the second.
        const QImage shot = grid->grab().toImage();
        const QRect first = grid->imageRect(0), second = grid->imageRect(1);
        QVERIFY(first.width() >= 32);
        QSet<int> levels;
        int differing = 0;
        for (int y = 0; y < first.height(); ++y)
            for (int x = 0; x < first.width(); ++x) {
                const int g = qGray(shot.pixel(first.topLeft() + QPoint(x, y)));
                levels.insert(g);
                differing += g != qGray(shot.pixel(second.topLeft() + QPoint(x, y)));
            }
        QVERIFY2(levels.size() > 20, qPrintable(QString::number(levels.size())));
        QVERIFY(differing > first.width() * first.height() / 10);
        QVERIFY(!grid->cell(0).caption.isEmpty()); // class name under each sample

        // Class filter: every sample is a Trouser.
        auto *classes = window.findChild<QComboBox *>("classFilter");
        classes->setCurrentIndex(classes->findData(1));
        QTRY_VERIFY_WITH_TIMEOUT(
            grid->cell(0).caption == "Trouser" && grid->cell(63).caption == "Trouser", 30000);
        // Classes in turn: sample i of class i mod 10 (the guide promised it).
        classes->setCurrentIndex(classes->findData(-2));
        QVERIFY(classes->currentIndex() > 0);
        QTRY_VERIFY_WITH_TIMEOUT(grid->cell(1).caption == "Trouser" &&
                                     grid->cell(11).caption == "Trouser" &&
                                     grid->cell(9).caption == "Ankle boot",
                                 30000);

        // Grid size and resample.
        window.findChild<QSpinBox *>("gridSide")->setValue(4);
        QTRY_COMPARE_WITH_TIMEOUT(grid->cellCount(), 16, 30000);
        // Save Grid writes the grid shown, 4 x 4, while the Grid box already
        // says 8 for the batch on its way (it wrote 8 columns x 2 rows).
        QTemporaryDir saved;
        const QString png = saved.filePath("grid.png");
        window.findChild<QSpinBox *>("gridSide")->setValue(8);
        window.saveGridTo(png);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(png), 30000);
        const QImage written(png);
        QVERIFY(!written.isNull() && written.width() == written.height());
        QTRY_COMPARE_WITH_TIMEOUT(grid->cellCount(), 64, 30000);
        window.findChild<QSpinBox *>("gridSide")->setValue(4);
        QTRY_COMPARE_WITH_TIMEOUT(grid->cellCount(), 16, 30000);
        const QImage before = grid->cell(0).image;
        QTest::mouseClick(window.findChild<QPushButton *>("resample"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(grid->cell(0).image != before, 30000);
        QCOMPARE(window.findChild<QSpinBox *>("seed")->value(), 2);
    }

    // A diffusion generator (tests/data/diffusion.pt, made by
    // tools/make_test_fixtures.py) loads like a GAN: samples, the explorer's
    // image of its starting noise, and the Views tab's preview.
    void diffusionGeneratorInEveryTab()
    {
        MainWindow window;
        window.resize(1100, 760);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy loaded(&window, &MainWindow::generatorLoaded);
        window.openGenerator(LATENT_TEST_DATA_DIR "/diffusion.pt");
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        auto *grid = window.findChild<ImageGridWidget *>("sampleGrid");
        QTRY_COMPARE_WITH_TIMEOUT(grid->cellCount(), 64, 30000);
        QCOMPARE(grid->cell(0).image.size(), QSize(8, 8));
        // While the first grid is made (minutes for a large model) it says so.
        QCOMPARE(grid->placeholderText(), QString("Sampling 64 images, 5 DDIM steps each…"));
        const QString info = window.findChild<QTextBrowser *>("generatorInfo")->toPlainText();
        QVERIFY2(info.contains("forward(x_t, t, y)") && info.contains("DDIM"), qPrintable(info));
        // The sampler's steps change the images; the rate is shown.
        auto *steps = window.findChild<QSpinBox *>("samplerSteps");
        QVERIFY(steps->isVisible());
        QCOMPARE(steps->value(), 5); // the sidecar's default
        QTRY_VERIFY_WITH_TIMEOUT(
            window.findChild<QLabel *>("samplingRate")->text().contains("images/s"), 30000);
        const QImage fiveSteps = grid->cell(0).image;
        steps->setValue(12);
        QTRY_VERIFY_WITH_TIMEOUT(grid->cell(0).image != fiveSteps, 30000);
        QCOMPARE(window.generatorPanel()->samplerSettings().steps, 12);
        window.showTab("explore");
        QTRY_VERIFY_WITH_TIMEOUT(window.explorerPanel()->imageView()->cellCount() > 0, 30000);
        // The explorer's image starts from the seed's untruncated x_T, as the
        // samples and its direction strips do (it was truncated at 2).
        const auto seed =
            std::uint64_t(window.explorerPanel()->findChild<QSpinBox *>("anchorSeed")->value());
        QVERIFY(window.explorerPanel()->currentLatent() ==
                window.generator()->latentValues({1, seed, 0.0f, -1}));
        // SeFa has no layer to factorise here: offered greyed out, with the
        // reason, and PCA chosen instead.
        auto *method = window.explorerPanel()->findChild<QComboBox *>("directionMethod");
        QCOMPARE(method->currentData().toString(), QString("pca"));
        // Walks learn through a few sampler steps: 4, at most the model's 5.
        auto *walkSteps = window.explorerPanel()->findChild<QSpinBox *>("walkSamplerSteps");
        QVERIFY(walkSteps->isVisibleTo(window.explorerPanel()));
        QCOMPARE(walkSteps->value(), 4);
        const QModelIndex sefa = method->model()->index(method->findData("sefa"), 0);
        QVERIFY(!(method->model()->flags(sefa) & Qt::ItemIsEnabled));
        QVERIFY(sefa.data(Qt::ToolTipRole).toString().contains("diffusion model"));
        window.showTab("views");
        QTRY_VERIFY_WITH_TIMEOUT(window.composerPanel()->preview()->cellCount() > 0, 30000);
        QVERIFY(window.composerPanel()->preview()->placeholderText().startsWith("Rendering "));
        // What the recipe's sampler costs, beside its settings.
        auto *rate = window.composerPanel()->findChild<QLabel *>("previewRate");
        QTRY_VERIFY_WITH_TIMEOUT(rate->text().contains("images/s"), 30000);
        QVERIFY(rate->isVisible());
        // The recipe carries its own sampler settings (the generator's at load).
        const latent::ViewRecipe recipe = window.composerPanel()->recipe();
        QVERIFY(recipe.hasSampler);
        QCOMPARE(recipe.sampler.steps, 5);
        QCOMPARE(recipe.sampler.guidance, 2.0f);
        // x_T is sampled untruncated: unit variance is what the denoiser expects.
        QCOMPARE(recipe.anchors.truncation, 0.0f);
        QVERIFY(recipe.views.preserveVariance);
        QCOMPARE(recipe.views.sigma, 0.4f);
        QCOMPARE(window.generatorPanel()->sampleRequest().truncation, 0.0f);
        // Re-noised views from the Views tab.
        auto *preview = window.composerPanel()->preview();
        const QImage before = preview->cell(1).image;
        window.composerPanel()->findChild<QDoubleSpinBox *>("renoiseStrength")->setValue(0.5);
        QTRY_VERIFY_WITH_TIMEOUT(preview->cell(1).image != before, 30000);
        QCOMPARE(window.composerPanel()->recipe().views.renoise, 0.5f);
        // The anchor pool: set in the Anchors group, saved in the recipe and
        // shown again from one.
        window.composerPanel()->findChild<QSpinBox *>("anchorPoolSize")->setValue(2048);
        window.composerPanel()->findChild<QSpinBox *>("anchorPoolRefresh")->setValue(32);
        latent::ViewRecipe pooled = window.composerPanel()->recipe();
        QCOMPARE(pooled.anchors.poolSize, 2048);
        QCOMPARE(pooled.anchors.poolRefresh, 32);
        pooled.anchors.poolSize = 0;
        window.composerPanel()->showRecipe(pooled);
        QCOMPARE(window.composerPanel()->recipe().anchors.poolSize, 0);
        QCOMPARE(window.composerPanel()->recipe().anchors.poolRefresh, 0);
        // The Runs tab's experiment presets the affordable diffusion table:
        // rows a, b, c and r, one sigma, an anchor pool.
        auto *box = window.runsPanel()->experimentBox();
        for (const char *id : {"a", "b", "c", "d", "e", "f", "g", "r"})
            QCOMPARE(box->findChild<QCheckBox *>(QString("experimentRow_") + id)->isChecked(),
                     QString("abcr").contains(QLatin1String(id)));
        QVERIFY(box->findChild<QCheckBox *>("experimentRow_r")->isEnabled());
        QCOMPARE(box->findChild<QLineEdit *>("experimentSigmas")->text(), QString("0.4"));
        QCOMPARE(box->findChild<QSpinBox *>("experimentAnchorPool")->value(), 8192);
        QCOMPARE(box->findChild<QSpinBox *>("experimentAnchorRefresh")->value(), 16);
        // A GAN loaded next offers SeFa again.
        QSignalSpy gan(&window, &MainWindow::generatorLoaded);
        window.openGenerator(LATENT_DEFAULT_GENERATOR);
        QTRY_COMPARE_WITH_TIMEOUT(gan.count(), 1, 30000);
        QVERIFY(method->model()->flags(sefa) & Qt::ItemIsEnabled);
        QVERIFY(sefa.data(Qt::ToolTipRole).toString().isEmpty());
    }

    // The window's end abandons its generator: samplings queued on a slow
    // diffusion model end at their next step (the process stayed for
    // minutes after the window had gone, its workers finishing them). A
    // closed window that is shown again still samples.
    void closingAbandonsTheGenerator()
    {
        QTemporaryDir dir;
        const QString big =
            QString::fromStdString(latent::test::writeDenoiser(dir.path().toStdString(), 3, 96));
        auto window = std::make_unique<MainWindow>();
        window->show();
        QSignalSpy loaded(window.get(), &MainWindow::generatorLoaded);
        window->openGenerator(big);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        const std::shared_ptr<const latent::Generator> generator = window->generator();
        QVERIFY(window->close());
        QCOMPARE(generator->sample({1, 1, 0.0f, -1}).count, 1);
        window.reset();
        QVERIFY_THROWS_EXCEPTION(latent::Cancelled, generator->sample({1, 1, 0.0f, -1}));
    }

    // A colour diffusion model above 3 x 64 x 64 starts with a 4 x 4 grid
    // (64 images took minutes on the CPU); a GAN loaded next gets 8 x 8
    // again, and a size the user chose stays whatever is loaded.
    void largeDiffusionModelStartsWithASmallerGrid()
    {
        QTemporaryDir dir;
        const QString big =
            QString::fromStdString(latent::test::writeDenoiser(dir.path().toStdString(), 3, 96));
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *grid = window.findChild<ImageGridWidget *>("sampleGrid");
        auto *side = window.findChild<QSpinBox *>("gridSide");
        QSignalSpy loaded(&window, &MainWindow::generatorLoaded);
        const auto load = [&](const QString &path, int cells) {
            const int before = loaded.count();
            window.openGenerator(path);
            QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), before + 1, 30000);
            QTRY_COMPARE_WITH_TIMEOUT(grid->cellCount(), cells, 60000);
        };
        load(big, 16);
        QCOMPARE(side->value(), 4);
        // A recipe's guidance this model (no null class) cannot use, and more
        // steps than its timesteps, are reset with a notice (the disabled
        // guidance box kept 3, and every preview failed).
        latent::ViewRecipe guided = window.composerPanel()->recipe();
        guided.hasSampler = true;
        guided.sampler.guidance = 3;
        guided.sampler.steps = 80;
        window.composerPanel()->showRecipe(guided);
        QCOMPARE(window.composerPanel()->recipe().sampler.guidance, 1.0f);
        QCOMPARE(window.composerPanel()->recipe().sampler.steps, 50);
        const QString notice = window.findChild<QLabel *>("applyResult")->text();
        QVERIFY2(notice.contains("80 steps → 50, the model's timesteps") &&
                     notice.contains("guidance 3 → 1, the model has no null class"),
                 qPrintable(notice));
        QCOMPARE(grid->cell(0).image.size(), QSize(96, 96));
        load(LATENT_DEFAULT_GENERATOR, 64);
        side->setValue(6); // the user's choice
        QTRY_COMPARE_WITH_TIMEOUT(grid->cellCount(), 36, 30000);
        load(big, 36);
        QTRY_COMPARE_WITH_TIMEOUT(grid->cell(0).image.size(), QSize(96, 96), 30000);
        QCOMPARE(side->value(), 6);
    }

    // The Samples tab's report card on a small copy of Fashion-MNIST: it
    // computes on its own thread with progress (sampling stays live), shows
    // the figures and the nearest real images, and Cancel stops it.
    void reportCardFromTheSamplesTab()
    {
        QTemporaryDir dir;
        qputenv("XDG_CACHE_HOME", dir.filePath("cache").toUtf8()); // the classifier cache
        latent::test::writeSmallDataset(dir.path().toStdString(), 2000, 200);
        MainWindow window;
        QVERIFY(latent::test::loadDefaultGenerator(window));
        auto *box = window.generatorPanel()->reportCardBox();
        window.generatorPanel()->showReportCard();
        box->dataPicker()->setSource("idx:" + dir.path());
        box->findChild<QSpinBox *>("reportCardSamples")->setValue(200);
        box->findChild<QSpinBox *>("reportCardCasImages")->setValue(500);
        box->findChild<QSpinBox *>("reportCardEpochs")->setValue(3);

        QSignalSpy finished(box, &latent::studio::ReportCardBox::finished);
        QTest::mouseClick(box->findChild<QPushButton *>("computeReportCard"), Qt::LeftButton);
        QVERIFY(box->findChild<QPushButton *>("cancelReportCard")->isEnabled());
        window.findChild<QSpinBox *>("gridSide")->setValue(4); // the UI answers meanwhile
        auto *grid = window.findChild<ImageGridWidget *>("sampleGrid");
        QTRY_COMPARE_WITH_TIMEOUT(grid->cellCount(), 16, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 240000);
        QVERIFY2(finished.first().first().toBool(), qPrintable(box->statusText()));
        const QString text = box->findChild<QTextBrowser *>("reportCardText")->toPlainText();
        QVERIFY2(text.contains("fidelity, 200 samples") && text.contains("Sneaker"),
                 qPrintable(text));
        QVERIFY2(box->card().fidelity > 0.5 && box->card().realTrain == 2000 &&
                     box->card().casImages == 500 && !box->card().onValidation,
                 qPrintable(text));
        QCOMPARE(box->findChild<ImageGridWidget *>("reportCardNearest")->cellCount(),
                 box->card().nearest.count);
        QVERIFY(box->findChild<QPushButton *>("saveReportCard")->isEnabled());

        // Cancel: no card, said so. Save waits for no running card (it ran
        // after it on the same worker, minutes later).
        QTest::mouseClick(box->findChild<QPushButton *>("computeReportCard"), Qt::LeftButton);
        QVERIFY(!box->findChild<QPushButton *>("saveReportCard")->isEnabled());
        QTest::mouseClick(box->findChild<QPushButton *>("cancelReportCard"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        QVERIFY(!finished.last().first().toBool());
        QCOMPARE(box->statusText(), QString("Cancelled"));
        QVERIFY(box->findChild<QPushButton *>("computeReportCard")->isEnabled());
        qunsetenv("XDG_CACHE_HOME");
    }

    // "Skip unreadable images" ticked in the card's data picker holds for the
    // card too (the picker showed the folder as valid, Compute then failed on
    // the file it had said it would skip), and the card counts what it left out.
    void reportCardSkipsWhatThePickerSkips()
    {
        QTemporaryDir dir;
        qputenv("XDG_CACHE_HOME", dir.filePath("cache").toUtf8());
        latent::test::writeCatsAndDogs(dir.filePath("set"), 10);
        MainWindow window;
        window.show();
        QSignalSpy loaded(&window, &MainWindow::generatorLoaded);
        window.openGenerator(LATENT_TEST_DATA_DIR "/unconditional.pt");
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        auto *box = window.generatorPanel()->reportCardBox();
        window.generatorPanel()->showReportCard();
        box->dataPicker()->showSource(dir.filePath("set"), true);
        box->findChild<QSpinBox *>("reportCardSamples")->setValue(100);
        box->findChild<QSpinBox *>("reportCardEpochs")->setValue(1);
        QSignalSpy finished(box, &latent::studio::ReportCardBox::finished);
        QTest::mouseClick(box->findChild<QPushButton *>("computeReportCard"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QVERIFY2(finished.first().first().toBool(), qPrintable(box->statusText()));
        const QString text = box->findChild<QTextBrowser *>("reportCardText")->toPlainText();
        QVERIFY2(
            text.contains("1 unreadable image(s) of " + dir.filePath("set") + " were left out"),
            qPrintable(text));
        qunsetenv("XDG_CACHE_HOME");
    }

    // Recipes are read and written on a worker (a 256 px diffusion model's
    // direction sets are tens of MB of JSON): the window returns at once
    // and shows the recipe when it is read.
    void recipesOpenAndSaveOnAWorker()
    {
        MainWindow window;
        QVERIFY(latent::test::loadDefaultGenerator(window));
        QTemporaryDir dir;
        const QString path = dir.filePath("r.json");
        auto *sigma = window.composerPanel()->findChild<QDoubleSpinBox *>("sigma");
        sigma->setValue(0.35);
        QSignalSpy saved(&window, &MainWindow::recipeSaved);
        window.saveRecipeTo(path);
        sigma->setValue(0.9); // after the call: the recipe as it was is written
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 30000);
        QCOMPARE(saved.first().at(1).toString(), QString());
        QCOMPARE(latent::readRecipe(path.toStdString()).views.sigma, 0.35f);

        QSignalSpy opened(&window, &MainWindow::recipeOpened);
        window.openRecipe(path);
        QCOMPARE(sigma->value(), 0.9); // not yet: it is being read
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        QCOMPARE(sigma->value(), 0.35);

        // A folder that cannot be written: said, nothing written.
        window.saveRecipeTo(dir.filePath("missing/r.json"));
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 2, 30000);
        QVERIFY(!saved.last().at(1).toString().isEmpty());
        QMessageBox *box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = window.findChild<QMessageBox *>()) != nullptr, 30000);
        QVERIFY(box->text().contains("missing"));
    }

    void badGeneratorKeepsThePreviousOne()
    {
        MainWindow window;
        QVERIFY(latent::test::loadDefaultGenerator(window));
        // The panel keeps the user's settings for it (they were reset to the
        // sidecar's, while the generator went on with the user's).
        auto *classes = window.findChild<QComboBox *>("classFilter");
        classes->setCurrentIndex(classes->findData(3));
        QSignalSpy failed(&window, &MainWindow::generatorFailed);
        window.openGenerator(LATENT_TEST_DATA_DIR "/returns_nan.pt");
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QCOMPARE(classes->currentData().toInt(), 3);
        QVERIFY(window.generatorPanel()->isEnabled());
        QVERIFY(
            failed.first().first().toString().contains("returns_nan.pt: forward() returned 4 NaN"));
        QVERIFY(window.generator());
        QCOMPARE(window.generator()->info().latentSize, 64);
        auto *grid = window.findChild<ImageGridWidget *>("sampleGrid");
        QTRY_VERIFY_WITH_TIMEOUT(grid->cellCount() > 0, 30000);
    }

    // The bad-input corpus through the studio: the error dialog (or the
    // load-failure signal behind it) shows the exact message, and the
    // generator that was loaded stays.
    void corpus_data()
    {
        QTest::addColumn<int>("index");
        const auto cases = latent::test::badInputs({"generator", "sidecar", "recipe"});
        for (int i = 0; i < cases.size(); ++i)
            QTest::newRow(qPrintable(cases[i].file)) << i;
    }

    void corpus()
    {
        QFETCH(int, index);
        const auto c = latent::test::badInputs({"generator", "sidecar", "recipe"}).at(index);
        QTemporaryDir dir;
        QString named;
        const QString path = latent::test::prepareBadInput(c, dir, false, &named);
        const QString expected = latent::test::expectedMessage(c, named);
        // One window for every row, as a user opens one bad file after
        // another: each must leave the default generator loaded for the next.
        if (!m_corpusWindow) {
            m_corpusWindow = std::make_unique<MainWindow>();
            m_corpusWindow->show();
            QVERIFY(latent::test::loadDefaultGenerator(*m_corpusWindow));
        }
        MainWindow &window = *m_corpusWindow;
        if (c.kind == "recipe") {
            window.openRecipe(path);
        } else {
            QSignalSpy failed(&window, &MainWindow::generatorFailed);
            window.openGenerator(path);
            QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
            QCOMPARE(failed.first().first().toString(), expected);
        }
        QMessageBox *box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = window.findChild<QMessageBox *>()) != nullptr, 30000);
        QVERIFY2(box->text().contains(expected), qPrintable(box->text()));
        QCOMPARE(window.generator()->info().latentSize, 64);
        delete box; // the next row finds its own
    }

    void cleanupTestCase() { m_corpusWindow.reset(); }

    // The language chosen in Preferences is stored, and the shipped
    // translations (embedded: no installed folder beside the test) replace
    // the window's texts.
    void preferencesChooseTheLanguage()
    {
        using namespace latent::studio;
        latent::studio::PreferencesDialog dialog;
        auto *combo = dialog.findChild<QComboBox *>("preferencesLanguage");
        QVERIFY(combo);
        QCOMPARE(combo->count(), 1 + availableLanguages().size());
        combo->setCurrentIndex(combo->findData("de"));
        QVERIFY(dialog.apply());
        QCOMPARE(chosenLocale().language(), QLocale::German);

        for (const auto &[code, file] : {std::pair{"de", "&Datei"}, std::pair{"fr", "&Fichier"}}) {
            const QString source = installTranslators(*qApp, QLocale(code));
            QCOMPARE(source, QString(":/i18n/latent-studio_%1.qm").arg(code));
            MainWindow window;
            QCOMPARE(window.menuBar()->actions().first()->text(), QString(file));
            for (QTranslator *t : qApp->findChildren<QTranslator *>()) {
                QCoreApplication::removeTranslator(t);
                delete t;
            }
        }
        QVERIFY(installTranslators(*qApp, QLocale("en")).isEmpty());
        MainWindow english;
        QCOMPARE(english.menuBar()->actions().first()->text(), QString("&File"));

        combo->setCurrentIndex(0); // the system's language again
        dialog.apply();
        QCOMPARE(chosenLocale(), QLocale::system());
        // Choosing the language already in use changes nothing, and says so
        // (English on an English or POSIX system: it claimed a change).
        const QLocale::Language system = QLocale::system().language();
        if (system == QLocale::English || system == QLocale::C) {
            combo->setCurrentIndex(combo->findData("en"));
            QVERIFY(!dialog.apply());
            QVERIFY(!combo->itemText(0).contains("not translated"));
        }
        combo->setCurrentIndex(0);
        dialog.apply();

        // A stored language this build does not ship shows as the system's
        // and survives OK unless another entry is picked (it was erased).
        QSettings().setValue("ui/language", "es");
        PreferencesDialog unknown;
        auto *shown = unknown.findChild<QComboBox *>("preferencesLanguage");
        QCOMPARE(shown->currentIndex(), 0);
        QVERIFY(!unknown.apply());
        QCOMPARE(QSettings().value("ui/language").toString(), QString("es"));
        shown->setCurrentIndex(shown->findData("fr"));
        unknown.apply();
        QCOMPARE(QSettings().value("ui/language").toString(), QString("fr"));
        setChosenLanguage({});
    }

private:
    std::unique_ptr<MainWindow> m_corpusWindow;
};

QTEST_MAIN(TestMainWindow)
#include "test_mainwindow.moc"
