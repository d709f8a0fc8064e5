// SPDX-License-Identifier: MIT
#pragma once

#include "train/trainconfig.h"

#include <QComboBox>
#include <QFrame>
#include <QGroupBox>
#include <QProgressBar>
#include <QScrollArea>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QStringList>
#include <QTabWidget>

namespace latent::studio {

// A page's side column of settings, scrolling vertically instead of imposing
// its height on the window: the tallest page's minimum height becomes the
// window's (it was taller than a 1280x800 screen), and a column whose
// minimum changes while the studio runs (a status line that wraps once more)
// would resize, and repaint, the whole window.
inline QScrollArea *scrollingColumn(QWidget *column)
{
    auto *scroll = new QScrollArea;
    scroll->setWidget(column);
    scroll->setWidgetResizable(true); // the column fills the height when it can
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Wide enough for the column beside its scroll bar: it never scrolls
    // sideways, so a narrower viewport would cut its right edge off.
    scroll->setMinimumWidth(column->minimumSizeHint().width() +
                            scroll->verticalScrollBar()->sizeHint().width());
    return scroll;
}

// QProgressBar::setValue repaints at once whenever its text changes, and a
// synchronous repaint of one widget flushes everything else the window has
// pending (after a tab switch: the whole new page), inside whichever progress
// callback came first. With updates off for the call, the bar is repainted
// with the rest of the window in the next update pass.
inline void setProgressValue(QProgressBar *bar, int value)
{
    bar->setUpdatesEnabled(false);
    bar->setValue(value);
    bar->setUpdatesEnabled(true); // schedules the update
}

// The encoder presets as combo box items.
inline QStringList encoderPresetItems()
{
    QStringList items;
    for (const std::string &name : encoderPresetNames())
        items << QString::fromStdString(name);
    return items;
}

// Offers one item of a combo box (whose model is the default
// QStandardItemModel) or greys it out with the reason as its tooltip.
inline void setItemEnabled(QComboBox *box, int index, bool enabled, const QString &reason)
{
    auto *model = qobject_cast<QStandardItemModel *>(box->model());
    if (!model || !model->item(index)) return;
    model->item(index)->setEnabled(enabled);
    model->item(index)->setToolTip(enabled ? QString() : reason);
}

// A titled section of a page, drawn flat (its title over a rule). Fusion
// paints a framed group box by scaling a 9-patch pixmap over the whole box,
// and every tab switch paints the new page: the Train tab's settings column
// alone took 2.4 ms of UI CPU per paint (docs/soak.md, bench_tabs).
inline QGroupBox *sectionBox(const QString &title)
{
    auto *box = new QGroupBox(title);
    box->setFlat(true);
    return box;
}

// Tab pages without Fusion's frame (document mode): the frame fills the whole
// page again over the window's own fill, then outlines it (bench_tabs).
inline void withoutPageFrame(QTabWidget *tabs)
{
    tabs->setDocumentMode(true);
}

} // namespace latent::studio
