// SPDX-License-Identifier: MIT
#include "batchreplaydialog.h"

#include "imageconvert.h"
#include "imagegridwidget.h"
#include "train/replay.h"
#include "workerjob.h"

#include <QLabel>
#include <QVBoxLayout>

namespace latent::studio {

BatchReplayDialog::BatchReplayDialog(QWidget *parent)
    : QDialog(parent), m_title(new QLabel), m_verdict(new QLabel),
      m_grid(new widgets::ImageGridWidget), m_worker(std::make_unique<CoalescingWorker>())
{
    setObjectName("batchReplayDialog");
    setWindowTitle(tr("Batch of a training step"));
    m_verdict->setObjectName("replayVerdict");
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_grid->setObjectName("replayGrid");
    m_grid->setPlaceholderText(tr("Click a point of the loss curve."));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_grid, 1);
    layout->addWidget(m_verdict);
    resize(560, 470);
}

BatchReplayDialog::~BatchReplayDialog() = default;

void BatchReplayDialog::replay(const QString &runDir, int step)
{
    m_title->setText(tr("Step %1 of %2").arg(step).arg(runDir));
    m_verdict->setText(tr("Making the batch of step %1 again…").arg(step));
    const int id = ++m_requested;
    const std::string dir = runDir.toStdString();
    runJob(
        *m_worker, "replay", this,
        [dir, step] {
            ReplayOptions options;
            options.maxAnchors = kAnchorsShown;
            return std::make_shared<const BatchReplay>(replayBatch(dir, step, options));
        },
        [this, id](const std::shared_ptr<const BatchReplay> &r, const QString &error) {
            m_shown = id; // a click replaced while waiting never runs
            if (r)
                showReplay(*r);
            else {
                m_grid->setCells({}, 1);
                m_verdict->setText(error);
            }
            Q_EMIT replayed();
        });
}

void BatchReplayDialog::showReplay(const BatchReplay &r)
{
    const int v = std::max(1, r.viewsPerAnchor);
    m_grid->setCells(
        cellsOf(r.views,
                [v](int i) { return i % v == 0 ? tr("anchor %1").arg(i / v + 1) : QString(); }),
        4 * v);
    m_title->setText(tr("Step %1: %2 of %3 anchors, %4 views each")
                         .arg(r.step)
                         .arg(r.views.count / v)
                         .arg(r.anchors)
                         .arg(v));
    m_verdict->setText(QString::fromStdString(r.verdict()));
    m_verdict->setStyleSheet(r.matches() ? QString() : QStringLiteral("color: #b00020"));
}

QString BatchReplayDialog::verdict() const
{
    return m_verdict->text();
}

int BatchReplayDialog::imageCount() const
{
    return m_grid->cellCount();
}

} // namespace latent::studio
