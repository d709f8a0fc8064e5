// SPDX-License-Identifier: MIT
// Build-time tool: renders the application's SVG icon to the hicolor PNG
// sizes, so the committed source is the SVG alone.
//   render_icon SVG OUTDIR SIZE...   writes OUTDIR/SIZExSIZE/apps/latent-studio.png
#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>

int main(int argc, char **argv)
{
    // No display at build time; QSvgRenderer only needs a QGuiApplication.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: render_icon SVG OUTDIR SIZE...\n");
        return 2;
    }
    QSvgRenderer svg(QString::fromLocal8Bit(argv[1]));
    if (!svg.isValid()) {
        std::fprintf(stderr, "render_icon: %s is not a readable SVG file\n", argv[1]);
        return 1;
    }
    for (int i = 3; i < argc; ++i) {
        const int size = QString(argv[i]).toInt();
        if (size <= 0) {
            std::fprintf(stderr, "render_icon: size '%s' is not a positive integer\n", argv[i]);
            return 2;
        }
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        svg.render(&painter);
        painter.end();
        const QString dir = QStringLiteral("%1/%2x%2/apps").arg(argv[2]).arg(size);
        if (!QDir().mkpath(dir) || !image.save(dir + "/latent-studio.png")) {
            std::fprintf(stderr, "render_icon: cannot write %s/latent-studio.png\n",
                         qPrintable(dir));
            return 1;
        }
    }
    return 0;
}
