// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <QVector>
#include <QWidget>

namespace latent::widgets {

// A grid of small images with a caption under each, scaled with nearest
// neighbour so that 32x32 samples stay crisp. Displays plain data only.
class ImageGridWidget : public QWidget
{
    Q_OBJECT
public:
    struct Cell
    {
        QImage image;
        QString caption;
        QString toolTip;
    };

    explicit ImageGridWidget(QWidget *parent = nullptr);

    void setCells(const QVector<Cell> &cells, int columns);
    void setPlaceholderText(const QString &text);
    const QString &placeholderText() const { return m_placeholder; } // shown while empty
    int cellCount() const { return m_cells.size(); }
    const Cell &cell(int index) const { return m_cells.at(index); }
    int columns() const { return m_columns; }
    // Where cell `index` is drawn, in widget coordinates (image part only).
    QRect imageRect(int index) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void cellClicked(int index);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    bool event(QEvent *event) override;

private:
    int rows() const;
    int cellSide() const;
    int captionHeight() const;
    int cellAt(const QPoint &pos) const;

    QVector<Cell> m_cells;
    int m_columns = 1;
    QString m_placeholder;
};

} // namespace latent::widgets
