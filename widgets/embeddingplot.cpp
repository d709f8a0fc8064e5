// SPDX-License-Identifier: MIT
#include "embeddingplot.h"

#include "curveplot.h"
#include "qcpinclude.h"

#include <QVBoxLayout>

#include <algorithm>

namespace latent::widgets {

EmbeddingPlot::EmbeddingPlot(QWidget *parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(QFont(font().family(), 8));
    m_plot->xAxis->setLabel(tr("PC 1"));
    m_plot->yAxis->setLabel(tr("PC 2"));
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setPlottingHint(QCP::phImmediateRefresh, false); // as CurvePlot's
    m_plot->setMouseTracking(true);
    m_plot->installEventFilter(this);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, new QCPTextElement(m_plot, QString()));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
}

void EmbeddingPlot::setPoints(const QVector<double> &x, const QVector<double> &y,
                              const QVector<int> &labels, const QStringList &classNames,
                              const QString &title)
{
    // Points with a class: labels in [0, kMaxClasses) (a stray label would
    // make as many legend entries), as many as all three vectors hold.
    constexpr int kMaxClasses = 1024;
    const qsizetype n = std::min({x.size(), y.size(), labels.size()});
    m_x.clear();
    m_y.clear();
    m_hovered = -1;
    m_plot->clearGraphs();
    int classes = static_cast<int>(std::min<qsizetype>(classNames.size(), kMaxClasses));
    for (qsizetype i = 0; i < n; ++i)
        if (labels[i] >= 0 && labels[i] < kMaxClasses) classes = std::max(classes, labels[i] + 1);
    for (int c = 0; c < classes; ++c) {
        QCPGraph *g = m_plot->addGraph();
        g->setName(c < classNames.size() ? classNames[c] : QString::number(c));
        g->setLineStyle(QCPGraph::lsNone);
        const QColor color = seriesColor(c);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, 4));
    }
    // m_x/m_y hold the drawn points only (hover and clicks index them);
    // m_index maps them back to the caller's indices.
    m_index.clear();
    for (qsizetype i = 0; i < n; ++i) {
        if (labels[i] < 0 || labels[i] >= kMaxClasses) continue;
        m_plot->graph(labels[i])->addData(x[i], y[i]);
        m_x.append(x[i]);
        m_y.append(y[i]);
        m_index.append(int(i));
    }
    if (auto *t = qobject_cast<QCPTextElement *>(m_plot->plotLayout()->element(0, 0)))
        t->setText(title);
    m_plot->rescaleAxes();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int EmbeddingPlot::pointAt(const QPoint &pos) const
{
    int best = -1;
    double bestD = 8 * 8;
    for (int i = 0; i < m_x.size(); ++i) {
        const double dx = m_plot->xAxis->coordToPixel(m_x[i]) - pos.x();
        const double dy = m_plot->yAxis->coordToPixel(m_y[i]) - pos.y();
        if (dx * dx + dy * dy < bestD) bestD = dx * dx + dy * dy, best = i;
    }
    return best < 0 ? -1 : m_index[best];
}

QPoint EmbeddingPlot::pointPosition(int index) const
{
    const qsizetype drawn = m_index.indexOf(index);
    if (drawn < 0) return {};
    return m_plot->mapTo(this, QPoint(int(m_plot->xAxis->coordToPixel(m_x[drawn])),
                                      int(m_plot->yAxis->coordToPixel(m_y[drawn]))));
}

bool EmbeddingPlot::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_plot &&
        (event->type() == QEvent::MouseMove || event->type() == QEvent::MouseButtonPress)) {
        const QPoint pos = static_cast<QMouseEvent *>(event)->position().toPoint();
        const int i = pointAt(pos);
        if (event->type() == QEvent::MouseButtonPress && i >= 0) Q_EMIT pointClicked(i);
        if (event->type() == QEvent::MouseMove && i != m_hovered && i >= 0) {
            m_hovered = i;
            Q_EMIT pointHovered(i);
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace latent::widgets
