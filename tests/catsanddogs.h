// SPDX-License-Identifier: MIT
#pragma once
// A small colour image folder with a file that is no image: what a user's
// own data looks like when one download was cut short.

#include <QColor>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QString>
#include <QtTest>

namespace latent::test {

// `dir`/cats and `dir`/dogs, `perClass` 20x16 PNGs each (cats reddish, dogs
// bluish), and dogs/broken.png, which does not decode.
inline void writeCatsAndDogs(const QString &dir, int perClass)
{
    for (const QString cls : {"cats", "dogs"})
        for (int i = 0; i < perClass; ++i) {
            QVERIFY(QDir(dir).mkpath(cls));
            QImage img(20, 16, QImage::Format_RGB888);
            img.fill(cls == "cats" ? QColor(200, 40 + i, 40) : QColor(40, 40 + i, 200));
            QVERIFY(img.save(QDir(dir).filePath(QString("%1/%2.png").arg(cls).arg(i))));
        }
    QFile bad(QDir(dir).filePath("dogs/broken.png"));
    QVERIFY(bad.open(QIODevice::WriteOnly) && bad.write("not a png") > 0);
}

} // namespace latent::test
