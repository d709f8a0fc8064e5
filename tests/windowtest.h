// SPDX-License-Identifier: MIT
#pragma once
// Shared set-up for the tests that drive the real studio window.

#include "mainwindow.h"

#include <QSignalSpy>
#include <QtTest>

namespace latent::test {

// Shows `window` and loads the shipped generator; false when it did not load
// within 30 s. Use as QVERIFY(loadDefaultGenerator(window)).
inline bool loadDefaultGenerator(studio::MainWindow &window)
{
    window.show();
    QSignalSpy loaded(&window, &studio::MainWindow::generatorLoaded);
    window.openGenerator(LATENT_DEFAULT_GENERATOR);
    return QTest::qWaitFor([&] { return loaded.count() == 1; }, 30000);
}

} // namespace latent::test
