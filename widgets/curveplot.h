// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QImage>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCheckBox;
class QLabel;

namespace latent::widgets {

// Curves against a shared x axis (training step) with a legend, a readout
// of the point under the mouse, wheel zoom and drag pan, a log-scale toggle,
// fit, and export as PNG, SVG or PDF. Displays plain data only.
class CurvePlot : public QWidget
{
    Q_OBJECT
public:
    enum class Marker { None, Dot, Diamond };

    CurvePlot(const QString &xLabel, const QString &yLabel, QWidget *parent = nullptr);

    // A new series; returns its id. Markers-only series have no line; an
    // empty name keeps the series out of the legend.
    int addSeries(const QString &name, const QColor &color, Marker marker = Marker::None,
                  bool line = true, bool dashed = false);
    void setData(int id, const QVector<double> &x, const QVector<double> &y);
    void addPoint(int id, double x, double y); // redraws at most once per event loop pass
    void clear();                              // removes every series and marker
    // A vertical line at `x` with `label` at its top (an event such as a
    // change of recipe); kept until clear().
    void addMarker(double x, const QString &label);
    int markerCount() const;
    int seriesCount() const;
    int pointCount(int id) const;
    QString seriesName(int id) const;

    // Where the legend sits inside the plot. By default it moves, at each
    // redraw, to the corner that hides the fewest points and line pieces
    // (staying put on a tie); setting a corner fixes it there.
    void setLegendCorner(Qt::Alignment corner);
    Qt::Alignment legendCorner() const;
    void setLogScale(bool on);
    bool logScale() const;
    void fit(); // back to the whole data after a zoom or pan
    // By suffix: .png, .svg or .pdf. Returns false and sets `error` on failure.
    bool exportTo(const QString &path, QString *error);
    // The plot as a PNG export draws it (twice its size in pixels); a QImage,
    // so another thread may encode and write it.
    QImage image();
    QString readout() const; // the hover text shown under the plot

    QCustomPlot *plot() const { return m_plot; }

Q_SIGNALS:
    void hovered(const QString &text);
    // A click (not a drag) near a data point: that point's x and y.
    void pointClicked(double x, double y);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    struct Nearest
    {
        bool found = false;
        double x = 0, y = 0;
        QString text;
    };
    Nearest nearest(const QPointF &pos) const;
    void showNearest(const QPointF &pos);
    void placeLegend();
    QSize prepareExport();           // lays out, fits and places the legend; the size to draw at
    QImage render(QSize size) const; // at twice `size`
    void refresh();
    void queueRedraw();
    static void redrawNext(); // the first visible stale plot in the queue
    void fitAxes();           // to the data, unless the user zoomed or panned
    void chooseExportFile();

    QCustomPlot *m_plot;
    QCheckBox *m_log;
    QLabel *m_readout;
    bool m_userView = false;         // zoomed or panned: new data does not rescale
    bool m_legendAuto = true;        // the legend follows the emptiest corner
    bool m_stale = false;            // data changed since the last redraw
    QPointF m_pressedAt{-1e9, -1e9}; // where the left button went down: a click or a drag
};

// A palette of distinct colours for overlaid series (index modulo its size).
QColor seriesColor(int index);

} // namespace latent::widgets
