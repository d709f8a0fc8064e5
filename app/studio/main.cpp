// SPDX-License-Identifier: MIT
#include "language.h"
#include "mainwindow.h"
#include "paths.h"
#include "runtime.h"
#include "trainpanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QSettings>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName("LatentStudio");
    QApplication::setApplicationName("latent-studio");
    QApplication::setApplicationDisplayName("Latent Studio");
    QApplication::setApplicationVersion(LATENT_VERSION);
    QApplication::setWindowIcon(
        QIcon::fromTheme("latent-studio", QIcon(":/icons/latent-studio.svg")));
    latent::studio::installTranslators(app, latent::studio::chosenLocale());

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main",
        "Latent Studio: explore a generator's latent space and train encoders on its views."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        "file",
        QApplication::translate(
            "main",
            "A generator (.pt; 'default' for the shipped one) or a view recipe (.json) to open."),
        "[file]");
    QCommandLineOption tab(
        "tab",
        QApplication::translate(
            "main",
            "Start on a tab: samples, explore, views, train, runs, or pad (explore with the latent "
            "pad open)."),
        "name");
    parser.addOption(tab);
    QCommandLineOption train(
        "train", QApplication::translate("main", "Start training with the Train tab's settings "
                                                 "once the generator has loaded."));
    parser.addOption(train);
    parser.process(app);

    latent::configureRuntime();

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
    if (parser.isSet(tab)) window.showTab(parser.value(tab));
    if (!recipe.isEmpty())
        QObject::connect(
            &window, &latent::studio::MainWindow::generatorLoaded, &window,
            [&window, recipe] { window.openRecipe(recipe); }, Qt::SingleShotConnection);
    if (parser.isSet(train))
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
