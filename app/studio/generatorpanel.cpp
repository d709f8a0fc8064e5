// SPDX-License-Identifier: MIT
#include "generatorpanel.h"

#include "imageconvert.h"
#include "imagegridwidget.h"
#include "reportcardbox.h"
#include "widgethelpers.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace latent::studio {
namespace {
constexpr int kTruncationScale = 100; // slider units per unit of truncation
}

GeneratorPanel::GeneratorPanel(QWidget *parent) : QWidget(parent)
{
    m_seed = new QSpinBox;
    m_seed->setObjectName("seed");
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(1);
    m_truncation = new QSlider(Qt::Horizontal);
    m_truncation->setObjectName("truncation");
    m_truncation->setRange(0, 3 * kTruncationScale);
    m_truncation->setValue(2 * kTruncationScale);
    m_truncation->setToolTip(tr("Each latent coordinate is drawn from a normal distribution "
                                "truncated to [-t, t]. 0 turns truncation off."));
    m_truncationValue = new QLabel;
    m_truncationValue->setMinimumWidth(fontMetrics().horizontalAdvance("0.000"));
    m_classFilter = new QComboBox;
    m_classFilter->setObjectName("classFilter");
    m_gridSide = new QSpinBox;
    m_gridSide->setObjectName("gridSide");
    m_gridSide->setRange(4, 16);
    m_gridSide->setValue(8);
    m_gridSide->setSuffix(tr(" per side"));
    m_steps = new QSpinBox;
    m_steps->setObjectName("samplerSteps");
    m_steps->setToolTip(tr("DDIM denoising steps: more are slower and usually sharper"));
    m_guidance = new QDoubleSpinBox;
    m_guidance->setObjectName("samplerGuidance");
    m_guidance->setRange(0, 100); // as sidecars and recipes allow
    m_guidance->setSingleStep(0.5);
    m_guidance->setToolTip(tr("Classifier-free guidance scale (1: none); needs a model trained "
                              "with a null class"));
    m_eta = new QDoubleSpinBox;
    m_eta->setObjectName("samplerEta");
    m_eta->setRange(0, 1);
    m_eta->setSingleStep(0.1);
    m_eta->setToolTip(tr("0: deterministic DDIM; above 0 each image adds noise drawn from its "
                         "own starting noise"));
    m_rate = new QLabel;
    m_rate->setObjectName("samplingRate");
    m_sampler = sectionBox(tr("Diffusion sampler"));
    auto *samplerForm = new QFormLayout(m_sampler);
    samplerForm->addRow(tr("Steps"), m_steps);
    samplerForm->addRow(tr("Guidance"), m_guidance);
    samplerForm->addRow(tr("Eta"), m_eta);
    samplerForm->addRow(m_rate);
    m_sampler->setVisible(false);
    m_resample = new QPushButton(tr("&Resample"));
    m_resample->setObjectName("resample");
    m_resample->setToolTip(tr("Draw new samples (next seed)"));
    m_saveGrid = new QPushButton(tr("&Save grid as PNG…"));
    m_saveGrid->setObjectName("saveGrid");
    m_info = new QTextBrowser;
    m_info->setObjectName("generatorInfo");
    m_info->setOpenLinks(false);
    m_card = new ReportCardBox;
    m_grid = new widgets::ImageGridWidget;
    m_grid->setObjectName("sampleGrid");

    auto *truncationRow = new QHBoxLayout;
    truncationRow->addWidget(m_truncation);
    truncationRow->addWidget(m_truncationValue);
    auto *form = new QFormLayout;
    form->addRow(tr("Seed"), m_seed);
    form->addRow(tr("Truncation"), truncationRow);
    form->addRow(tr("Class"), m_classFilter);
    form->addRow(tr("Grid"), m_gridSide);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_resample);
    buttons->addWidget(m_saveGrid);

    auto *side = new QWidget;
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->addLayout(form);
    sideLayout->addWidget(m_sampler);
    sideLayout->addLayout(buttons);
    // The generator's description, and its report card against real data.
    m_about = new QTabWidget;
    m_about->setObjectName("generatorTabs");
    withoutPageFrame(m_about);
    m_about->addTab(m_info, tr("Generator"));
    m_about->addTab(m_card, tr("Report card"));
    sideLayout->addWidget(m_about, 1);

    auto *splitter = new QSplitter;
    splitter->addWidget(scrollingColumn(side));
    splitter->addWidget(m_grid);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({380, 720});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    updateTruncationLabel();
    setEnabled(false);

    const auto changed = [this] { Q_EMIT sampleRequestChanged(); };
    connect(m_seed, &QSpinBox::valueChanged, this, changed);
    connect(m_truncation, &QSlider::valueChanged, this, [this, changed] {
        updateTruncationLabel();
        changed();
    });
    connect(m_classFilter, &QComboBox::currentIndexChanged, this, changed);
    connect(m_gridSide, &QSpinBox::valueChanged, this, [this, changed] {
        m_gridSideChosen = true;
        changed();
    });
    const auto samplerChanged = [this] { Q_EMIT samplerSettingsChanged(); };
    connect(m_steps, &QSpinBox::valueChanged, this, samplerChanged);
    connect(m_guidance, &QDoubleSpinBox::valueChanged, this, samplerChanged);
    connect(m_eta, &QDoubleSpinBox::valueChanged, this, samplerChanged);
    connect(m_resample, &QPushButton::clicked, this, [this] { m_seed->stepUp(); });
    connect(m_saveGrid, &QPushButton::clicked, this, &GeneratorPanel::saveGridRequested);
}

void GeneratorPanel::showReportCard()
{
    m_about->setCurrentWidget(m_card);
}

void GeneratorPanel::updateTruncationLabel()
{
    const int v = m_truncation->value();
    m_truncationValue->setText(v == 0 ? tr("off")
                                      : QString::number(double(v) / kTruncationScale, 'f', 2));
}

SampleRequest GeneratorPanel::sampleRequest() const
{
    SampleRequest r;
    r.count = gridSide() * gridSide();
    r.seed = static_cast<std::uint64_t>(m_seed->value());
    r.truncation = float(m_truncation->value()) / kTruncationScale;
    r.classIndex = m_classFilter->currentData().toInt();
    return r;
}

SamplerSettings GeneratorPanel::samplerSettings() const
{
    return {m_steps->value(), float(m_guidance->value()), float(m_eta->value())};
}

void GeneratorPanel::showSamplingRate(int images, double seconds)
{
    m_rate->setText(tr("%1 images in %2 s: %3 images/s")
                        .arg(images)
                        .arg(seconds, 0, 'f', 2)
                        .arg(images / std::max(seconds, 1e-6), 0, 'f', 1));
}

int GeneratorPanel::gridSide() const
{
    return m_gridSide->value();
}

void GeneratorPanel::showLoading(const QString &path)
{
    setEnabled(false);
    m_grid->setCells({}, 1);
    m_grid->setPlaceholderText(tr("Loading %1…").arg(path));
}

void GeneratorPanel::showLoadError(const QString &message)
{
    m_grid->setCells({}, 1);
    m_grid->setPlaceholderText(message);
}

void GeneratorPanel::showSampleError(const QString &message)
{
    // Not the last grid: its seed, class and rate are not what was asked.
    m_grid->setCells({}, 1);
    m_grid->setPlaceholderText(tr("Sampling failed: %1").arg(message));
    m_rate->clear();
}

void GeneratorPanel::showGenerator(const std::string &path, const GeneratorInfo &info,
                                   const std::vector<ReportLine> &report, bool hasSidecar)
{
    {
        const QSignalBlocker block(m_classFilter);
        m_classFilter->clear();
        m_classFilter->addItem(
            info.isConditional() ? tr("All classes (uniform)") : tr("Unconditional"), -1);
        // Sample i of class i mod classes: with a grid side equal to the
        // number of classes, one class per column.
        if (info.isConditional())
            m_classFilter->addItem(tr("Classes in turn"), SampleRequest::kCycleClasses);
        for (int i = 0; i < info.numClasses; ++i)
            m_classFilter->addItem(
                QString("%1  %2").arg(i).arg(QString::fromStdString(info.className(i))), i);
        m_classFilter->setEnabled(info.isConditional());
    }
    {
        const QSignalBlocker blockSteps(m_steps), blockGuidance(m_guidance), blockEta(m_eta);
        const SamplerSettings &s = info.diffusion.sampler;
        m_steps->setRange(1, std::max(1, info.diffusion.timesteps));
        m_steps->setValue(s.steps);
        m_guidance->setValue(s.guidance);
        m_guidance->setEnabled(info.diffusion.nullClass >= 0);
        m_eta->setValue(s.eta);
        m_rate->clear();
        m_sampler->setVisible(info.isDiffusion());
        // A diffusion model above 3 x 64 x 64 takes minutes for 64 images on
        // the CPU: its first grid has 16 (the rate shows under it).
        const QSignalBlocker blockGrid(m_gridSide);
        if (!m_gridSideChosen)
            m_gridSide->setValue(info.isDiffusion() && info.latentSize > 3 * 64 * 64 ? 4 : 8);
        const QSignalBlocker blockTruncation(m_truncation);
        m_truncation->setValue(int(info.defaultTruncation() * kTruncationScale));
        updateTruncationLabel();
    }

    QString html = QString("<b>%1</b><br><small>%2</small><table>")
                       .arg(QString::fromStdString(info.name).toHtmlEscaped(),
                            QString::fromStdString(path).toHtmlEscaped());
    const auto row = [&html](const QString &k, const QString &v) {
        html += QString("<tr><td>%1&nbsp;&nbsp;</td><td>%2</td></tr>").arg(k, v);
    };
    row(tr("Latent size"), QString::number(info.latentSize));
    row(tr("Classes"),
        info.isConditional() ? QString::number(info.numClasses) : tr("unconditional"));
    row(tr("Images"), QString("%1 × %2 × %2").arg(info.channels).arg(info.resolution));
    row(tr("Output range"), QString("[%1, %2]").arg(info.outputMin).arg(info.outputMax));
    row(tr("Kind"), info.isDiffusion()
                        ? tr("diffusion: %1 prediction, %2 timesteps, %3; its latent is the "
                             "starting noise x_T, sampled by DDIM")
                              .arg(QString::fromLatin1(toString(info.diffusion.prediction)))
                              .arg(info.diffusion.timesteps)
                              .arg(QString::fromStdString(info.diffusion.schedule))
                        : tr("GAN"));
    row(tr("Call"), QString::fromStdString(callText(info)));
    row(tr("Sidecar"), hasSidecar ? tr("yes") : tr("no (inferred)"));
    html += "</table><p><b>" + tr("Validation") + "</b></p><ul>";
    for (const ReportLine &line : report) {
        const QString text = QString::fromStdString(line.text).toHtmlEscaped();
        switch (line.kind) {
        case ReportLine::Kind::Check:
            html += "<li>✔ " + text + "</li>";
            break;
        case ReportLine::Kind::Assumption:
            html += "<li><i>" + tr("assumed:") + "</i> " + text + "</li>";
            break;
        case ReportLine::Kind::Warning:
            html += "<li><b>" + tr("warning:") + "</b> " + text + "</li>";
            break;
        }
    }
    html += "</ul>";
    m_info->setHtml(html);
    // The first grid can take minutes (a large diffusion model on the CPU):
    // say what is being made rather than "Loading".
    const int n = gridSide() * gridSide();
    m_grid->setPlaceholderText(
        info.isDiffusion()
            ? tr("Sampling %1 images, %2 DDIM steps each…").arg(n).arg(info.diffusion.sampler.steps)
            : tr("Sampling %1 images…").arg(n));
    setEnabled(true);
}

void GeneratorPanel::showSamples(const ImageBatch &batch, const GeneratorInfo &info,
                                 const SampleRequest &request)
{
    const auto cells = cellsOf(
        batch,
        [&](int i) {
            const int cls = batch.classes[i];
            return cls >= 0 ? QString::fromStdString(info.className(cls)) : QString();
        },
        [&](int i) {
            const int cls = batch.classes[i];
            return tr("sample %1 of seed %2").arg(i).arg(request.seed) +
                   (cls >= 0 ? "\n" + tr("class %1: %2")
                                          .arg(cls)
                                          .arg(QString::fromStdString(info.className(cls)))
                             : QString());
        });
    m_grid->setCells(cells, static_cast<int>(std::ceil(std::sqrt(double(batch.count)))));
}

} // namespace latent::studio
