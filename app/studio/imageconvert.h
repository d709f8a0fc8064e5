// SPDX-License-Identifier: MIT
#pragma once

#include "generators/generator.h"
#include "imagegridwidget.h"

#include <QVector>

namespace latent::studio {

// Grid cells for a batch; captions from `caption(i)` (may return empty).
QVector<widgets::ImageGridWidget::Cell> cellsOf(const ImageBatch &batch,
                                                const std::function<QString(int)> &caption = {},
                                                const std::function<QString(int)> &toolTip = {});

} // namespace latent::studio
