// SPDX-License-Identifier: MIT
#include "imageconvert.h"

namespace latent::studio {

QVector<widgets::ImageGridWidget::Cell> cellsOf(const ImageBatch &batch,
                                                const std::function<QString(int)> &caption,
                                                const std::function<QString(int)> &toolTip)
{
    QVector<widgets::ImageGridWidget::Cell> cells;
    cells.reserve(batch.count);
    const auto format = batch.channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
    for (int i = 0; i < batch.count; ++i) {
        const QImage image(batch.image(i), batch.width, batch.height, batch.width * batch.channels,
                           format);
        cells.push_back(
            {image.copy(), caption ? caption(i) : QString(), toolTip ? toolTip(i) : QString()});
    }
    return cells;
}

} // namespace latent::studio
