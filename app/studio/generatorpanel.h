// SPDX-License-Identifier: MIT
#pragma once

#include "generators/generator.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QTabWidget;
class QTextBrowser;

namespace latent::widgets {
class ImageGridWidget;
}

namespace latent::studio {

class ReportCardBox;

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
    void showSampleError(const QString &message); // instead of the grid asked for
    void showSamples(const ImageBatch &batch, const GeneratorInfo &info,
                     const SampleRequest &request);
    // How fast the last grid was made (shown under the sampler controls).
    void showSamplingRate(int images, double seconds);
    // Diffusion generators: the DDIM settings of the controls.
    SamplerSettings samplerSettings() const;

    widgets::ImageGridWidget *grid() const { return m_grid; }
    ReportCardBox *reportCardBox() const { return m_card; }
    void showReportCard(); // brings the report card's tab forward

Q_SIGNALS:
    void sampleRequestChanged();
    void samplerSettingsChanged(); // diffusion generators: steps, guidance or eta
    void saveGridRequested();

private:
    void updateTruncationLabel();

    QSpinBox *m_seed;
    QSlider *m_truncation;
    QLabel *m_truncationValue;
    QComboBox *m_classFilter;
    QSpinBox *m_gridSide;
    bool m_gridSideChosen = false; // by the user: loading a generator keeps it
    QGroupBox *m_sampler;          // shown for diffusion generators
    QSpinBox *m_steps;
    QDoubleSpinBox *m_guidance, *m_eta;
    QLabel *m_rate;
    QPushButton *m_resample;
    QPushButton *m_saveGrid;
    QTextBrowser *m_info;
    ReportCardBox *m_card;
    QTabWidget *m_about;
    widgets::ImageGridWidget *m_grid;
};

} // namespace latent::studio
