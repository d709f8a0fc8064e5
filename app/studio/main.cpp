// SPDX-License-Identifier: MIT
#include "generatorpanel.h"
#include "language.h"
#include "mainwindow.h"
#include "paths.h"
#include "provenance.h"
#include "reportcardbox.h"
#include "trainpanel.h"
#include "uiruntime.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QSettings>

#include <cstdio>

namespace {

void nameApplication()
{
    QCoreApplication::setOrganizationName("LatentStudio");
    QCoreApplication::setApplicationName("latent-studio");
    QCoreApplication::setApplicationVersion(LATENT_VERSION);
}

// The command line; options are read back by name ("tab", "train").
void describeOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QCoreApplication::translate(
        "main",
        "Latent Studio: explore a generator's latent space and train encoders on its views."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        "file",
        QCoreApplication::translate(
            "main",
            "A generator (.pt; 'default' for the shipped one) or a view recipe (.json) to open."),
        "[file]");
    parser.addOption(QCommandLineOption(
        "tab",
        QCoreApplication::translate(
            "main",
            "Start on a tab: samples, explore, views, train, runs, or pad (explore with the latent "
            "pad open)."),
        "name"));
    parser.addOption(QCommandLineOption(
        "train", QCoreApplication::translate("main", "Start training with the Train tab's settings "
                                                     "once the generator has loaded.")));
    parser.addOption(QCommandLineOption(
        "report-card",
        QCoreApplication::translate("main", "Compute the generator's report card (Samples tab) "
                                            "once it has loaded.")));
    parser.addOption(QCommandLineOption(
        "processes",
        QCoreApplication::translate("main", "Data-parallel processes for training (the Train "
                                            "tab's Processes box)."),
        "N"));
}

bool asksForHelpOrVersion(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a == "-h" || a == "--help" || a == "--help-all" || a == "-v" || a == "--version")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    latent::setCommandLine(argc, argv); // what runs record of how they were started
    if (asksForHelpOrVersion(argc, argv)) {
        // Printing needs no display: a headless machine or a package check
        // gets the text without a connection to X.
        QCoreApplication app(argc, argv);
        nameApplication();
        latent::studio::installTranslators(app, latent::studio::chosenLocale());
        QCommandLineParser parser;
        describeOptions(parser);
        parser.process(app); // prints and exits
        return 0;
    }
    QApplication app(argc, argv);
    nameApplication();
    QApplication::setApplicationDisplayName("Latent Studio");
    QApplication::setWindowIcon(
        QIcon::fromTheme("latent-studio", QIcon(":/icons/latent-studio.svg")));
    latent::studio::installTranslators(app, latent::studio::chosenLocale());

    QCommandLineParser parser;
    describeOptions(parser);
    parser.process(app);

    latent::studio::configureStudioRuntime();

    const std::string exeDir = QApplication::applicationDirPath().toStdString();
    // A .json argument is a view recipe: it opens on the last (or default)
    // generator once that has loaded.
    QString path, recipe;
    const QString arg = parser.positionalArguments().value(0);
    if (arg.endsWith(".json", Qt::CaseInsensitive))
        recipe = arg;
    else if (!arg.isEmpty())
        path = QString::fromStdString(latent::resolveGeneratorArgument(arg.toStdString(), exeDir));
    if (path.isEmpty()) {
        path = QSettings().value("generator/last").toString();
        if (path.isEmpty() || !QFileInfo::exists(path))
            path = QString::fromStdString(latent::defaultGeneratorPath(exeDir));
    }

    latent::studio::MainWindow window;
    window.show();
    // After show(): the pad's tool window needs the studio window's handle
    // to stack above it.
    if (parser.isSet("tab")) window.showTab(parser.value("tab"));
    if (parser.isSet("processes")) {
        bool ok = false;
        const int n = parser.value("processes").toInt(&ok);
        if (!ok || n < 1) {
            std::fprintf(stderr,
                         "latent-studio: --processes needs a whole number of at least 1, "
                         "got %s\n",
                         qPrintable(parser.value("processes")));
            return 2;
        }
        window.trainPanel()->setProcesses(n);
    }
    if (!recipe.isEmpty())
        QObject::connect(
            &window, &latent::studio::MainWindow::generatorLoaded, &window,
            [&window, recipe] { window.openRecipe(recipe); }, Qt::SingleShotConnection);
    if (parser.isSet("report-card"))
        QObject::connect(
            &window, &latent::studio::MainWindow::generatorLoaded, &window,
            [&window] {
                window.showTab("samples");
                window.generatorPanel()->showReportCard();
                window.generatorPanel()->reportCardBox()->compute();
            },
            Qt::SingleShotConnection);
    if (parser.isSet("train"))
        QObject::connect(
            &window, &latent::studio::MainWindow::generatorLoaded, &window,
            [&window] {
                window.showTab("train");
                window.trainPanel()->startTraining();
            },
            Qt::SingleShotConnection);
    window.openGenerator(path);
    return app.exec();
}
