// SPDX-License-Identifier: MIT
#pragma once

#include "coalescingworker.h"
#include "eval/reportcard.h"

#include <QWidget>

#include <atomic>
#include <memory>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTextBrowser;

namespace latent {
class Generator;
}
namespace latent::widgets {
class ImageGridWidget;
}

namespace latent::studio {

class DatasetPicker;

// The generator report card (core/eval/reportcard.h) in the Samples tab: the real
// data to compare with, the number of samples and classifier epochs, Compute
// and Cancel, a progress bar, then the card (figures, per class, nearest real
// images) and Save. Runs on a thread of its own, so sampling stays live.
class ReportCardBox : public QWidget
{
    Q_OBJECT
public:
    explicit ReportCardBox(QWidget *parent = nullptr);
    ~ReportCardBox() override;

    // The generator to measure (a new one clears the card); `realData`: the
    // sidecar's dataset, proposed as the data when given.
    void setGenerator(std::shared_ptr<const Generator> generator, const QString &realData);
    DatasetPicker *dataPicker() const { return m_data; }
    bool hasCard() const { return m_hasCard; }
    const ReportCard &card() const { return m_card; }
    QString statusText() const;

public Q_SLOTS:
    void compute();
    void cancel();

Q_SIGNALS:
    void finished(bool ok); // a card is shown (true), or an error or a cancel (false)

private:
    void showCard();
    void save();
    void setRunning(bool running);

    DatasetPicker *m_data;
    QSpinBox *m_samples;
    QSpinBox *m_casImages;
    QSpinBox *m_epochs;
    QComboBox *m_on; // test or validation
    QPushButton *m_compute, *m_cancel, *m_save;
    QProgressBar *m_progress;
    QLabel *m_status;
    QTextBrowser *m_text;
    widgets::ImageGridWidget *m_nearest;
    std::shared_ptr<const Generator> m_generator;
    std::shared_ptr<std::atomic<bool>> m_cancelFlag;
    ReportCard m_card;
    bool m_hasCard = false;
    // Declared last: joined first.
    std::unique_ptr<CoalescingWorker> m_worker;
};

} // namespace latent::studio
