// SPDX-License-Identifier: MIT
#pragma once

#include "generator.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QTextBrowser;

namespace latent::widgets {
class ImageGridWidget;
}

namespace latent::studio {

// The generator panel: sampling controls, the generator's metadata and
// validation report, and the sample grid. It shows plain data and emits
// requests; MainWindow runs the work.
class GeneratorPanel : public QWidget
{
    Q_OBJECT
public:
    explicit GeneratorPanel(QWidget *parent = nullptr);

    SampleRequest sampleRequest() const;
    int gridSide() const; // the grid is gridSide x gridSide samples

    void showGenerator(const std::string &path, const GeneratorInfo &info,
                       const std::vector<ReportLine> &report, bool hasSidecar);
    void showLoading(const QString &path);
    void showLoadError(const QString &message);
    void showSamples(const ImageBatch &batch, const GeneratorInfo &info,
                     const SampleRequest &request);

    widgets::ImageGridWidget *grid() const { return m_grid; }

Q_SIGNALS:
    void sampleRequestChanged();
    void saveGridRequested();

private:
    void updateTruncationLabel();

    QSpinBox *m_seed;
    QSlider *m_truncation;
    QLabel *m_truncationValue;
    QComboBox *m_classFilter;
    QSpinBox *m_gridSide;
    QPushButton *m_resample;
    QPushButton *m_saveGrid;
    QTextBrowser *m_info;
    widgets::ImageGridWidget *m_grid;
};

} // namespace latent::studio
