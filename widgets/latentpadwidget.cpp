// SPDX-License-Identifier: MIT
#include "latentpadwidget.h"

#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLFunctions>
#include <QSurfaceFormat>

#include <algorithm>

namespace latent::widgets {

LatentPadWidget::LatentPadWidget(QWidget *parent) : QOpenGLWidget(parent)
{
    QSurfaceFormat format;
    format.setVersion(3, 3);
    format.setProfile(QSurfaceFormat::CoreProfile);
    setFormat(format);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(220, 260);
    IMGUI_CHECKVERSION();
    ImGuiContext *previous = ImGui::GetCurrentContext();
    m_context = ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr; // nothing written to the working folder
    ImGui::StyleColorsDark();
    ImGui::SetCurrentContext(previous);
}

LatentPadWidget::~LatentPadWidget()
{
    ImGuiContext *previous = ImGui::GetCurrentContext();
    ImGui::SetCurrentContext(m_context);
    if (m_backendReady) {
        makeCurrent();
        ImGui_ImplOpenGL3_Shutdown();
        doneCurrent();
    }
    ImGui::DestroyContext(m_context);
    ImGui::SetCurrentContext(previous == m_context ? nullptr : previous);
}

void LatentPadWidget::setPosition(QPointF position)
{
    m_position = QPointF(std::clamp<double>(position.x(), -m_range, m_range),
                         std::clamp<double>(position.y(), -m_range, m_range));
    update();
}

void LatentPadWidget::setRange(float range)
{
    m_range = std::max(0.01f, range);
    setPosition(m_position);
}

void LatentPadWidget::chooseRange(float range)
{
    const QPointF before = m_position;
    setRange(range);
    // A smaller range pulls the dot in: the latent follows it.
    if (m_position != before) Q_EMIT positionChanged(m_position);
    Q_EMIT rangeChanged(m_range);
}

void LatentPadWidget::setAxisLabels(const QString &x, const QString &y)
{
    m_xLabel = x;
    m_yLabel = y;
    update();
}

void LatentPadWidget::initializeGL()
{
    ImGui::SetCurrentContext(m_context);
    m_backendReady = ImGui_ImplOpenGL3_Init("#version 330 core");
}

void LatentPadWidget::paintGL()
{
    if (!m_backendReady) return;
    ImGui::SetCurrentContext(m_context);
    ImGuiIO &io = ImGui::GetIO();
    io.DisplaySize = ImVec2(float(width()), float(height()));
    io.DisplayFramebufferScale = ImVec2(float(devicePixelRatio()), float(devicePixelRatio()));
    io.DeltaTime = 1.0f / 60.0f;
    io.MousePos = ImVec2(float(m_mouse.x()), float(m_mouse.y()));
    // ImGui 1.86 samples the button once per frame: a press and release
    // between two frames (a tap, a quick click) is fed as down for one frame.
    io.MouseDown[0] = m_mouseDown || m_clickLatched;
    m_clickLatched = false;

    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
    buildFrame();
    ImGui::Render();
    auto *gl = context()->functions();
    gl->glViewport(0, 0, int(width() * devicePixelRatio()), int(height() * devicePixelRatio()));
    gl->glClearColor(0.12f, 0.12f, 0.14f, 1.0f);
    gl->glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (m_pendingFrames > 0) {
        --m_pendingFrames;
        update();
    }
    Q_EMIT frameRendered();
}

void LatentPadWidget::buildFrame()
{
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("pad", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImGui::PushItemWidth(-60);
    float range = m_range;
    if (ImGui::SliderFloat("range", &range, 0.1f, 10.0f, "%.2f")) chooseRange(range);
    ImGui::SliderFloat("step", &m_step, 0.01f, 1.0f, "%.2f");
    ImGui::PopItemWidth();
    ImGui::Text("%s: %+.2f   %s: %+.2f", m_xLabel.toUtf8().constData(), m_position.x(),
                m_yLabel.toUtf8().constData(), m_position.y());

    // The pad: a square filling the rest of the window.
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float side = std::max(40.0f, std::min(avail.x, avail.y));
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("pad-area", ImVec2(side, side));
    m_padRect = QRectF(origin.x, origin.y, side, side);
    if (ImGui::IsItemActive()) {
        const ImVec2 mouse = ImGui::GetIO().MousePos;
        const QPointF p((std::clamp((mouse.x - origin.x) / side, 0.0f, 1.0f) * 2 - 1) * m_range,
                        (1 - std::clamp((mouse.y - origin.y) / side, 0.0f, 1.0f) * 2) * m_range);
        if (p != m_position) {
            m_position = p;
            Q_EMIT positionChanged(m_position);
        }
    }
    ImDrawList *draw = ImGui::GetWindowDrawList();
    const ImVec2 end(origin.x + side, origin.y + side);
    draw->AddRectFilled(origin, end, IM_COL32(32, 34, 40, 255));
    for (int i = 1; i < 8; ++i) {
        const float t = side * i / 8;
        const ImU32 c = i == 4 ? IM_COL32(140, 140, 150, 255) : IM_COL32(60, 62, 70, 255);
        draw->AddLine(ImVec2(origin.x + t, origin.y), ImVec2(origin.x + t, end.y), c);
        draw->AddLine(ImVec2(origin.x, origin.y + t), ImVec2(end.x, origin.y + t), c);
    }
    draw->AddRect(origin, end, IM_COL32(140, 140, 150, 255));
    const ImVec2 point(origin.x + float((m_position.x() / m_range + 1) / 2) * side,
                       origin.y + float((1 - m_position.y() / m_range) / 2) * side);
    draw->AddCircleFilled(point, 7.0f, IM_COL32(255, 170, 40, 255));
    draw->AddCircle(point, 7.0f, IM_COL32(20, 20, 20, 255), 0, 2.0f);
    ImGui::End();
}

void LatentPadWidget::mousePressEvent(QMouseEvent *event)
{
    m_mouse = event->position();
    m_mouseDown = event->button() == Qt::LeftButton || m_mouseDown;
    m_clickLatched = m_clickLatched || event->button() == Qt::LeftButton;
    m_pendingFrames = 2;
    update();
}

void LatentPadWidget::mouseReleaseEvent(QMouseEvent *event)
{
    m_mouse = event->position();
    if (event->button() == Qt::LeftButton) m_mouseDown = false;
    m_pendingFrames = 2;
    update();
}

void LatentPadWidget::mouseMoveEvent(QMouseEvent *event)
{
    m_mouse = event->position();
    m_pendingFrames = 1;
    update();
}

void LatentPadWidget::keyPressEvent(QKeyEvent *event)
{
    QPointF delta;
    switch (event->key()) {
    case Qt::Key_Left:
        delta = {-m_step, 0};
        break;
    case Qt::Key_Right:
        delta = {m_step, 0};
        break;
    case Qt::Key_Up:
        delta = {0, m_step};
        break;
    case Qt::Key_Down:
        delta = {0, -m_step};
        break;
    default:
        QOpenGLWidget::keyPressEvent(event);
        return;
    }
    setPosition(m_position + delta);
    Q_EMIT positionChanged(m_position);
}

} // namespace latent::widgets
