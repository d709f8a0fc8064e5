// SPDX-License-Identifier: MIT
#pragma once

#include <QOpenGLWidget>
#include <QPointF>

struct ImGuiContext;

namespace latent::widgets {

// A 2-D latent pad drawn with Dear ImGui inside a Qt OpenGL widget: the user
// drags a point whose x and y are the amounts along two directions, in
// [-range, range]. Dense controls sit above the pad: the range and the step
// that the arrow keys move by. Displays and emits plain numbers only.
// Needs OpenGL 3.3 (under Xvfb, Mesa's llvmpipe provides it).
class LatentPadWidget : public QOpenGLWidget
{
    Q_OBJECT
public:
    explicit LatentPadWidget(QWidget *parent = nullptr);
    ~LatentPadWidget() override;

    QPointF position() const { return m_position; } // in direction units
    void setPosition(QPointF position);             // no signal
    float range() const { return m_range; }
    void setRange(float range);
    // The user's range (the pad's own slider): a dot it clamps is moved, with
    // positionChanged, then rangeChanged.
    void chooseRange(float range);
    void setAxisLabels(const QString &x, const QString &y);
    // The pad square in widget coordinates (valid after the first frame).
    QRectF padRect() const { return m_padRect; }

Q_SIGNALS:
    void positionChanged(QPointF position);
    void rangeChanged(float range);
    void frameRendered();

protected:
    void initializeGL() override;
    void paintGL() override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    QSize sizeHint() const override { return {300, 360}; }

private:
    void buildFrame();

    ImGuiContext *m_context = nullptr;
    bool m_backendReady = false;
    QPointF m_mouse{-1e6, -1e6};
    bool m_mouseDown = false;
    bool m_clickLatched = false; // pressed since the last frame (paintGL)
    int m_pendingFrames = 0;     // ImGui needs a frame or two after input to settle
    QPointF m_position;
    float m_range = 3.0f;
    float m_step = 0.25f;
    QString m_xLabel = "x", m_yLabel = "y";
    QRectF m_padRect;
};

} // namespace latent::widgets
