// SPDX-License-Identifier: MIT
#include "imagegridwidget.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

namespace latent::widgets {
namespace {
constexpr int kGap = 6;
}

ImageGridWidget::ImageGridWidget(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setMouseTracking(true);
}

void ImageGridWidget::setCells(const QVector<Cell> &cells, int columns)
{
    m_cells = cells;
    m_columns = std::max(1, columns);
    update();
}

void ImageGridWidget::setPlaceholderText(const QString &text)
{
    m_placeholder = text;
    update();
}

int ImageGridWidget::rows() const
{
    return std::max(1, (static_cast<int>(m_cells.size()) + m_columns - 1) / m_columns);
}

int ImageGridWidget::captionHeight() const
{
    bool any = false;
    for (const Cell &c : m_cells)
        any = any || !c.caption.isEmpty();
    return any ? fontMetrics().height() : 0;
}

int ImageGridWidget::cellSide() const
{
    const int w = (width() - kGap * (m_columns + 1)) / m_columns;
    const int h = (height() - kGap * (rows() + 1)) / rows() - captionHeight();
    return std::max(4, std::min(w, h));
}

QRect ImageGridWidget::imageRect(int index) const
{
    const int side = cellSide();
    const int cap = captionHeight();
    const int gridW = m_columns * side + (m_columns - 1) * kGap;
    const int gridH = rows() * (side + cap) + (rows() - 1) * kGap;
    const int x0 = (width() - gridW) / 2, y0 = (height() - gridH) / 2;
    const int col = index % m_columns, row = index / m_columns;
    return QRect(x0 + col * (side + kGap), y0 + row * (side + cap + kGap), side, side);
}

int ImageGridWidget::cellAt(const QPoint &pos) const
{
    for (int i = 0; i < m_cells.size(); ++i)
        if (imageRect(i).contains(pos)) return i;
    return -1;
}

QSize ImageGridWidget::sizeHint() const
{
    return QSize(640, 640);
}
QSize ImageGridWidget::minimumSizeHint() const
{
    return QSize(160, 160);
}

void ImageGridWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (m_cells.isEmpty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    const int cap = captionHeight();
    for (int i = 0; i < m_cells.size(); ++i) {
        const QRect r = imageRect(i);
        p.drawImage(r, m_cells[i].image);
        if (cap > 0) {
            p.setPen(palette().color(QPalette::Text));
            const QRect textRect(r.left() - kGap / 2, r.bottom() + 1, r.width() + kGap, cap);
            p.drawText(
                textRect, Qt::AlignCenter,
                fontMetrics().elidedText(m_cells[i].caption, Qt::ElideRight, textRect.width()));
        }
    }
}

void ImageGridWidget::mousePressEvent(QMouseEvent *event)
{
    const int index = cellAt(event->position().toPoint());
    if (index >= 0) Q_EMIT cellClicked(index);
    QWidget::mousePressEvent(event);
}

bool ImageGridWidget::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int index = cellAt(help->pos());
        if (index >= 0 && !m_cells[index].toolTip.isEmpty())
            QToolTip::showText(help->globalPos(), m_cells[index].toolTip, this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

} // namespace latent::widgets
