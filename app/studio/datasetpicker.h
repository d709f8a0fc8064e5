// SPDX-License-Identifier: MIT
#pragma once

#include "coalescingworker.h"

#include <QWidget>

#include <atomic>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;

namespace latent::studio {

// Chooses the real dataset of a run (training on real images, probe and
// kNN): a list of recent datasets, a folder chooser and drag and drop. Each
// choice is read on a worker thread with progress, then summarised (format,
// splits, classes with counts, sizes) with a small grid of samples per
// class, so that a wrong folder shows before training starts.
class DatasetPicker : public QWidget
{
    Q_OBJECT
public:
    explicit DatasetPicker(QWidget *parent = nullptr);
    ~DatasetPicker() override;

    // "fashion-mnist", a folder or FORMAT:PATH (core/data/dataset.h).
    QString source() const;
    bool skipUnreadable() const;
    // The last dataset's full description (every class with its counts,
    // also the summary's tooltip), or the error of the last choice.
    QString summaryText() const;
    bool isValid() const { return m_valid; }
    // "Reading SOURCE: 12288 / 70000 images · ETA 41 s", `seconds` since reading began.
    static QString progressText(const QString &source, qint64 done, qint64 total, double seconds);

    // Shows a running run's dataset and setting without reading it (the run
    // holds it in memory: reading it again would double that); choosing it
    // again, or the skip box, reads it.
    void showSource(const QString &source, bool skipUnreadable);

public Q_SLOTS:
    void setSource(const QString &source); // inspects it and remembers it as recent
    void browse();

Q_SIGNALS:
    void inspected(bool valid); // a summary (or an error) is shown

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void inspect();
    // No summary yet: `text` instead, nothing valid.
    void showPending(const QString &text);
    void remember(const QString &source);

    QComboBox *m_source;
    QPushButton *m_browse;
    QCheckBox *m_skip;
    QLabel *m_summary;
    QLabel *m_samples;
    QString m_details;
    bool m_valid = false;
    // The inspection wanted now: a superseded one drops its reports and stops
    // reading at its next image (as does every one when the picker goes).
    std::shared_ptr<std::atomic<int>> m_generation = std::make_shared<std::atomic<int>>(0);
    // Declared last: joined first.
    std::unique_ptr<CoalescingWorker> m_worker;
};

} // namespace latent::studio
