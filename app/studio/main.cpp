// SPDX-License-Identifier: MIT
#include "mainwindow.h"
#include "paths.h"
#include "runtime.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QSettings>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName("LatentStudio");
    QApplication::setApplicationName("latent-studio");
    QApplication::setApplicationDisplayName("Latent Studio");
    QApplication::setApplicationVersion(LATENT_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main",
        "Latent Studio: explore a generator's latent space and train encoders on its views."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        "file",
        QApplication::translate("main",
                                "A generator (.pt) to open; 'default' for the shipped one."),
        "[file]");
    QCommandLineOption tab(
        "tab",
        QApplication::translate(
            "main",
            "Start on a tab: samples, explore, views, or pad (explore with the latent pad open)."),
        "name");
    parser.addOption(tab);
    parser.process(app);

    latent::configureRuntime();

    const std::string exeDir = QApplication::applicationDirPath().toStdString();
    QString path;
    if (!parser.positionalArguments().isEmpty()) {
        path = QString::fromStdString(latent::resolveGeneratorArgument(
            parser.positionalArguments().first().toStdString(), exeDir));
    } else {
        // The last generator the user had open, else the shipped default.
        path = QSettings().value("generator/last").toString();
        if (path.isEmpty() || !QFileInfo::exists(path))
            path = QString::fromStdString(latent::defaultGeneratorPath(exeDir));
    }

    latent::studio::MainWindow window;
    if (parser.isSet(tab)) window.showTab(parser.value(tab));
    window.show();
    window.openGenerator(path);
    return app.exec();
}
