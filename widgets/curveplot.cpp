// SPDX-License-Identifier: MIT
#include "curveplot.h"

#include "qcpinclude.h"

#include <QApplication>
#include <QCheckBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSvgGenerator>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>
#include <cstdio>
#include <limits>

namespace latent::widgets {

namespace {
constexpr int kLegendSamples = 2000; // points per curve the legend placement looks at

// Plots whose data changed, visible (a metrics row updates four at once) or
// just shown (a tab switch shows four), waiting for their turn to redraw.
QList<QPointer<CurvePlot>> &redrawQueue()
{
    static QList<QPointer<CurvePlot>> queue;
    return queue;
}
} // namespace

QColor seriesColor(int index)
{
    static const QColor palette[] = {
        QColor(31, 119, 180),  QColor(255, 127, 14), QColor(44, 160, 44),   QColor(214, 39, 40),
        QColor(148, 103, 189), QColor(140, 86, 75),  QColor(227, 119, 194), QColor(127, 127, 127),
        QColor(188, 189, 34),  QColor(23, 190, 207)};
    return palette[((index % 10) + 10) % 10]; // a negative index too
}

CurvePlot::CurvePlot(const QString &xLabel, const QString &yLabel, QWidget *parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_log(new QCheckBox(tr("Log scale"), this)),
      m_readout(new QLabel(this))
{
    m_plot->xAxis->setLabel(xLabel);
    m_plot->yAxis->setLabel(yLabel);
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(QFont(font().family(), 8));
    m_plot->legend->setBrush(QColor(255, 255, 255, 190)); // curves stay visible behind it
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    // A long run's curves hold thousands of points: antialiased polylines
    // drawn segment by segment cost 50-90 ms a redraw at 2,000-8,000 points,
    // the fast path 2-14 ms.
    m_plot->setPlottingHint(QCP::phFastPolylines, true);
    // A redraw goes into the plot's buffer and reaches the screen with the
    // window's next update. QCustomPlot's default (phImmediateRefresh)
    // repaints at once, and a synchronous repaint flushes everything the
    // window has pending: plots redrawn in one pass each painted the window
    // (a 57 ms stall, docs/soak.md), and after a tab switch the first
    // redraw painted the whole new page.
    m_plot->setPlottingHint(QCP::phImmediateRefresh, false);
    m_plot->setMinimumHeight(140);
    m_plot->installEventFilter(this);
    m_plot->setMouseTracking(true);

    auto *fitButton = new QPushButton(tr("Fit"), this);
    fitButton->setToolTip(tr("Show all data again after zooming (wheel) or panning (drag)"));
    auto *exportButton = new QPushButton(tr("Export…"), this);
    exportButton->setToolTip(tr("Save the plot as PNG, SVG or PDF"));
    m_readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_readout->setMinimumWidth(50);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_readout, 1);
    bar->addWidget(m_log);
    bar->addWidget(fitButton);
    bar->addWidget(exportButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot, 1);
    layout->addLayout(bar);

    connect(m_log, &QCheckBox::toggled, this, &CurvePlot::setLogScale);
    connect(fitButton, &QPushButton::clicked, this, &CurvePlot::fit);
    connect(exportButton, &QPushButton::clicked, this, &CurvePlot::chooseExportFile);
    // Before each (coalesced) redraw, not per point: the layout is updated
    // after beforeReplot, so a new corner takes effect in the same redraw.
    connect(m_plot, &QCustomPlot::beforeReplot, this, [this] {
        if (m_legendAuto) placeLegend();
    });
}

int CurvePlot::addSeries(const QString &name, const QColor &color, Marker marker, bool line,
                         bool dashed)
{
    QCPGraph *g = m_plot->addGraph();
    g->setName(name);
    if (name.isEmpty()) g->removeFromLegend();
    QPen pen(color, 1.5);
    if (dashed) pen.setStyle(Qt::DashLine);
    g->setPen(pen);
    g->setLineStyle(line ? QCPGraph::lsLine : QCPGraph::lsNone);
    if (marker == Marker::Dot)
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, 5));
    else if (marker == Marker::Diamond)
        g->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(Qt::black, 1.2), color, 11));
    refresh();
    return m_plot->graphCount() - 1;
}

void CurvePlot::setData(int id, const QVector<double> &x, const QVector<double> &y)
{
    m_plot->graph(id)->setData(x, y, true);
    refresh();
}

void CurvePlot::addPoint(int id, double x, double y)
{
    m_plot->graph(id)->addData(x, y);
    refresh();
}

void CurvePlot::clear()
{
    m_plot->clearGraphs();
    m_plot->clearItems();
    m_userView = false;
    m_readout->clear();
    refresh();
}

void CurvePlot::addMarker(double x, const QString &label)
{
    const QPen pen(QColor(120, 120, 120), 1, Qt::DashLine);
    auto *line = new QCPItemStraightLine(m_plot);
    line->setPen(pen);
    line->point1->setTypeX(QCPItemPosition::ptPlotCoords);
    line->point1->setTypeY(QCPItemPosition::ptAxisRectRatio);
    line->point1->setCoords(x, 0);
    line->point2->setTypeX(QCPItemPosition::ptPlotCoords);
    line->point2->setTypeY(QCPItemPosition::ptAxisRectRatio);
    line->point2->setCoords(x, 1);
    auto *text = new QCPItemText(m_plot);
    text->position->setTypeX(QCPItemPosition::ptPlotCoords);
    text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(x, 0.02); // just below the top of the plot
    text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    text->setPadding(QMargins(3, 0, 3, 0));
    text->setText(label);
    text->setColor(QColor(80, 80, 80));
    text->setClipToAxisRect(true);
    refresh();
}

int CurvePlot::markerCount() const
{
    int n = 0;
    for (int i = 0; i < m_plot->itemCount(); ++i)
        n += qobject_cast<QCPItemStraightLine *>(m_plot->item(i)) != nullptr;
    return n;
}

int CurvePlot::seriesCount() const
{
    return m_plot->graphCount();
}
int CurvePlot::pointCount(int id) const
{
    return m_plot->graph(id)->dataCount();
}
QString CurvePlot::seriesName(int id) const
{
    return m_plot->graph(id)->name();
}

void CurvePlot::setLogScale(bool on)
{
    if (m_log->isChecked() != on) m_log->setChecked(on); // re-enters once
    m_plot->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (on)
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    else
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    m_userView = false;
    refresh();
}

void CurvePlot::setLegendCorner(Qt::Alignment corner)
{
    m_legendAuto = false;
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, corner);
    refresh();
}

Qt::Alignment CurvePlot::legendCorner() const
{
    return m_plot->axisRect()->insetLayout()->insetAlignment(0);
}

void CurvePlot::placeLegend()
{
    const QRect area = m_plot->axisRect()->rect(); // from the last layout; empty before it
    // The legend's size from its current entries (its rect is from the
    // last layout, before a series added since).
    const QSize size = m_plot->legend->minimumOuterSizeHint();
    if (area.isEmpty() || size.isEmpty() || m_plot->graphCount() == 0) return;
    // In order of preference: a rising curve (accuracy) leaves the bottom
    // right free, a falling one (loss) the top right.
    const Qt::Alignment corners[] = {Qt::AlignTop | Qt::AlignRight,
                                     Qt::AlignBottom | Qt::AlignRight, Qt::AlignTop | Qt::AlignLeft,
                                     Qt::AlignBottom | Qt::AlignLeft};
    QRectF boxes[4];
    int hidden[4] = {0, 0, 0, 0};
    for (int c = 0; c < 4; ++c) {
        QRectF box{QPointF(0, 0), QSizeF(size)};
        box.moveTop(corners[c] & Qt::AlignTop ? area.top() : area.bottom() - size.height());
        box.moveLeft(corners[c] & Qt::AlignLeft ? area.left() : area.right() - size.width());
        boxes[c] = box;
    }
    const auto count = [&](const QPointF &p) {
        for (int c = 0; c < 4; ++c)
            if (boxes[c].contains(p)) ++hidden[c];
    };
    for (int g = 0; g < m_plot->graphCount(); ++g) {
        const QCPGraph *graph = m_plot->graph(g);
        if (!graph->visible()) continue;
        const bool line = graph->lineStyle() != QCPGraph::lsNone;
        // Every point of a short curve; an even sample of a long one (the
        // count only ranks the corners, and this runs at every redraw).
        const int points = graph->dataCount(), stride = std::max(1, points / kLegendSamples);
        QPointF previous;
        bool first = true;
        for (int i = 0; i < points; i += stride) {
            const auto it = graph->data()->at(i);
            // NaN values, and values at or below 0 on a log axis, are gaps.
            const QPointF p = graph->coordsToPixels(it->key, it->value);
            if (!std::isfinite(p.x()) || !std::isfinite(p.y())) {
                first = true;
                continue;
            }
            count(p);
            // A line piece through a corner counts too: samples every 4 px.
            if (line && !first) {
                const QPointF d = p - previous;
                const int n = int(std::min(64.0, std::hypot(d.x(), d.y()) / 4));
                for (int i = 1; i < n; ++i)
                    count(previous + d * (double(i) / n));
            }
            previous = p;
            first = false;
        }
    }
    int best = 0;
    const Qt::Alignment current = legendCorner();
    for (int c = 1; c < 4; ++c)
        if (hidden[c] < hidden[best]) best = c;
    for (int c = 0; c < 4; ++c)
        if (corners[c] == current && hidden[c] == hidden[best]) best = c; // no jumping on a tie
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, corners[best]);
}

bool CurvePlot::logScale() const
{
    return m_log->isChecked();
}

void CurvePlot::fit()
{
    m_userView = false;
    refresh();
}

void CurvePlot::refresh()
{
    // A hidden plot (another tab) only remembers to redraw when shown: a
    // redraw costs the same seen or not.
    m_stale = true;
    if (isVisible()) queueRedraw();
}

void CurvePlot::fitAxes()
{
    if (m_userView) return;
    // The ranges of the data's finite values, computed here: rescaleAxes()
    // keeps the current range where it cannot fit the data (one value, all
    // values equal, an infinity), and the headroom added to that widened
    // the axis by 10% at every redraw.
    const bool log = m_plot->yAxis->scaleType() == QCPAxis::stLogarithmic;
    QCPRange keys(0, 1), values;
    bool haveValues = false;
    for (int i = 0; i < m_plot->graphCount(); ++i) {
        const QCPGraph *g = m_plot->graph(i);
        bool found = false;
        const QCPRange k = g->getKeyRange(found);
        if (found && std::isfinite(k.lower) && std::isfinite(k.upper)) keys.expand(k);
        const QCPRange v = g->getValueRange(found, log ? QCP::sdPositive : QCP::sdBoth);
        if (!found || !std::isfinite(v.lower) || !std::isfinite(v.upper)) continue;
        if (haveValues)
            values.expand(v);
        else
            values = v;
        haveValues = true;
    }
    // Steps start at 0, so curves with few points line up with the others,
    // and end a little past the last step so its markers stay whole.
    m_plot->xAxis->setRange(keys.lower, keys.upper + 0.03 * (keys.upper - keys.lower));
    if (!haveValues) return;
    if (log) {
        m_plot->yAxis->setRange(values.lower / 1.1, values.upper * 1.1);
        return;
    }
    // A little headroom so markers at the edges stay whole; a flat curve
    // gets a band around its value.
    const double pad =
        values.size() > 0 ? 0.05 * values.size() : std::max(0.1 * std::abs(values.lower), 1e-9);
    m_plot->yAxis->setRange(values.lower - pad, values.upper + pad);
}

void CurvePlot::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale) queueRedraw();
}

void CurvePlot::queueRedraw()
{
    // One redraw per event-loop pass: between two, input and timers are
    // served, so the UI thread is not held for all plots of a tab at once.
    // Until its turn a plot shows its last image.
    auto &queue = redrawQueue();
    if (queue.contains(this)) return;
    queue.append(this);
    if (queue.size() == 1)
        QMetaObject::invokeMethod(qApp, &CurvePlot::redrawNext, Qt::QueuedConnection);
}

void CurvePlot::redrawNext()
{
    auto &queue = redrawQueue();
    while (!queue.isEmpty()) {
        const QPointer<CurvePlot> plot = queue.takeFirst();
        if (!plot || !plot->m_stale || !plot->isVisible()) continue; // gone, fresh or hidden again
        plot->m_stale = false;
        plot->fitAxes();
        plot->m_plot->replot(); // into its buffer; painted with the window's next update
        break;
    }
    // Posted during this pass, so handled in the next one (Qt does not
    // deliver events posted while it delivers posted events).
    if (!queue.isEmpty())
        QMetaObject::invokeMethod(qApp, &CurvePlot::redrawNext, Qt::QueuedConnection);
}

bool CurvePlot::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_plot) {
        // The user's own view from a wheel or a drag (the left button moved as
        // far as a click may not): a click's jitter stopped the plot following.
        if (event->type() == QEvent::Wheel ||
            (event->type() == QEvent::MouseMove &&
             (static_cast<QMouseEvent *>(event)->buttons() & Qt::LeftButton) &&
             (static_cast<QMouseEvent *>(event)->position() - m_pressedAt).manhattanLength() >= 4))
            m_userView = true;
        if (event->type() == QEvent::MouseMove)
            showNearest(static_cast<QMouseEvent *>(event)->position());
        if (event->type() == QEvent::MouseButtonPress ||
            event->type() == QEvent::MouseButtonRelease) {
            const auto *mouse = static_cast<QMouseEvent *>(event);
            if (mouse->button() != Qt::LeftButton) return QWidget::eventFilter(watched, event);
            if (event->type() == QEvent::MouseButtonPress) {
                m_pressedAt = mouse->position();
            } else if ((mouse->position() - m_pressedAt).manhattanLength() < 4) {
                const Nearest n = nearest(mouse->position()); // a click, not a drag
                if (n.found) Q_EMIT pointClicked(n.x, n.y);
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

// The data point nearest to the mouse over all series, in screen distance.
CurvePlot::Nearest CurvePlot::nearest(const QPointF &pos) const
{
    double best = 20 * 20; // pixels squared: farther points are not "under" the mouse
    Nearest out;
    for (int i = 0; i < m_plot->graphCount(); ++i) {
        QCPGraph *g = m_plot->graph(i);
        if (!g->visible() || g->dataCount() == 0) continue;
        const double key = m_plot->xAxis->pixelToCoord(pos.x());
        auto it = g->data()->findBegin(key, true);
        for (int k = 0; k < 3 && it != g->data()->constEnd(); ++k, ++it) {
            const double px = m_plot->xAxis->coordToPixel(it->key);
            const double py = m_plot->yAxis->coordToPixel(it->value);
            const double d = (px - pos.x()) * (px - pos.x()) + (py - pos.y()) * (py - pos.y());
            if (d < best) {
                best = d;
                out = {true, it->key, it->value,
                       QStringLiteral("%1 — %2 %3: %4")
                           .arg(g->name(), m_plot->xAxis->label())
                           .arg(it->key)
                           .arg(it->value, 0, 'g', 5)};
            }
        }
    }
    return out;
}

void CurvePlot::showNearest(const QPointF &pos)
{
    const QString text = nearest(pos).text;
    if (text == m_readout->text()) return;
    m_readout->setText(text);
    Q_EMIT hovered(text);
}

QString CurvePlot::readout() const
{
    return m_readout->text();
}

QSize CurvePlot::prepareExport()
{
    // A plot never shown (a report's, drawn off screen) has not laid out its
    // children: its QCustomPlot kept its default size whatever resize() asked.
    if (!isVisible() && layout()) layout()->activate();
    if (m_stale) fitAxes();          // hidden since the last data: the axes are the old ones
    if (m_legendAuto) placeLegend(); // placed before a redraw, which a file does not make
    return {std::max(640, m_plot->width()), std::max(400, m_plot->height())};
}

QImage CurvePlot::image()
{
    return render(prepareExport());
}

QImage CurvePlot::render(QSize size) const
{
    QImage image = m_plot->toPixmap(size.width(), size.height(), 2.0).toImage();
    // 96 dpi, as QCustomPlot's savePng writes: not the screen's (144 on a
    // HiDPI one), which viewers would show at another size.
    image.setDotsPerMeterX(3780);
    image.setDotsPerMeterY(3780);
    return image;
}

bool CurvePlot::exportTo(const QString &path, QString *error)
{
    const QSize size = prepareExport();
    const int w = size.width(), h = size.height();
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool ok = false;
    // Written beside the target and renamed, so a failure leaves no half file.
    const QString tmp = path + QStringLiteral(".part.") + suffix;
    if (suffix == QLatin1String("png")) {
        ok = render(size).save(tmp, "PNG");
    } else if (suffix == QLatin1String("pdf")) {
        ok = m_plot->savePdf(tmp, w, h);
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(tmp);
        svg.setSize(QSize(w, h));
        svg.setViewBox(QRect(0, 0, w, h));
        QCPPainter painter;
        ok = painter.begin(&svg);
        if (ok) {
            m_plot->toPainter(&painter, w, h);
            ok = painter.end();
        }
    } else {
        if (error)
            *error =
                tr("%1: unknown image type \"%2\"; expected .png, .svg or .pdf").arg(path, suffix);
        return false;
    }
    ok = ok && QFileInfo(tmp).size() > 0;
    // rename(2) replaces the old file in one step (QFile::rename does not
    // overwrite: removing it first lost the old plot when the rename failed).
    if (ok)
        ok = std::rename(QFile::encodeName(tmp).constData(), QFile::encodeName(path).constData()) ==
             0;
    if (!ok) {
        QFile::remove(tmp);
        if (error) *error = tr("cannot write %1 (is the folder writable?)").arg(path);
    }
    return ok;
}

void CurvePlot::chooseExportFile()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export plot"), m_plot->yAxis->label() + QStringLiteral(".png"),
        tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
    if (path.isEmpty()) return;
    QString error;
    if (!exportTo(path, &error)) QMessageBox::warning(this, tr("Export plot"), error);
}

} // namespace latent::widgets
