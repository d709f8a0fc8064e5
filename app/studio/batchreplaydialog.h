// SPDX-License-Identifier: MIT
#pragma once

#include "coalescingworker.h"

#include <QDialog>

#include <memory>

class QLabel;

namespace latent {
struct BatchReplay;
namespace widgets {
class ImageGridWidget;
}
} // namespace latent

namespace latent::studio {

// A training step's batch made again from its run folder (core/train/replay.h) on
// a worker thread: the first anchors' views, each anchor's group on one row,
// and whether it matches the batch the run trained on. Opened by a click on
// the loss curve; a later click replaces an earlier one still waiting.
class BatchReplayDialog : public QDialog
{
    Q_OBJECT
public:
    static constexpr int kAnchorsShown = 16;

    explicit BatchReplayDialog(QWidget *parent = nullptr);
    ~BatchReplayDialog() override;

    void replay(const QString &runDir, int step);

    // For tests: the verdict line and the images shown.
    QString verdict() const;
    int imageCount() const;
    bool busy() const { return m_shown != m_requested; }

Q_SIGNALS:
    void replayed(); // a replay (or its error) is shown

private:
    void showReplay(const BatchReplay &replay);

    QLabel *m_title, *m_verdict;
    widgets::ImageGridWidget *m_grid;
    int m_requested = 0, m_shown = 0;           // replay requests made and the last one shown
    std::unique_ptr<CoalescingWorker> m_worker; // declared last: joined first
};

} // namespace latent::studio
