// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>
#include <QVector>
#include <QWidget>

class QCustomPlot;

namespace latent::widgets {

// A 2-D scatter of points coloured by class, with a legend; hovering or
// clicking a point reports its index. Displays plain data only.
class EmbeddingPlot : public QWidget
{
    Q_OBJECT
public:
    explicit EmbeddingPlot(QWidget *parent = nullptr);

    // x, y, labels: one entry per point; labels index classNames. Points
    // without a class (label < 0, or a stray one of 1024 or more) are not
    // drawn; vectors of unequal length are read as long as the shortest.
    void setPoints(const QVector<double> &x, const QVector<double> &y, const QVector<int> &labels,
                   const QStringList &classNames, const QString &title);
    int pointCount() const { return int(m_x.size()); } // drawn points
    // The index (into setPoints' vectors) of the drawn point nearest to a
    // widget position within a few pixels, else -1.
    int pointAt(const QPoint &pos) const;
    QPoint pointPosition(int index) const; // widget coordinates; {} for a point not drawn

Q_SIGNALS:
    void pointHovered(int index);
    void pointClicked(int index);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QCustomPlot *m_plot;
    QVector<double> m_x, m_y; // the drawn points
    QVector<int> m_index;     // their indices in setPoints' vectors
    int m_hovered = -1;
};

} // namespace latent::widgets
