#pragma once

#include <QOpenGLWidget>

class vtkGenericOpenGLRenderWindow;
class vtkGenericRenderWindowInteractor;
class vtkRenderer;

namespace teramind::ui {

// Hosts VTK rendering in a Qt 6 QOpenGLWidget (VTK's own Qt module is Qt5-only on Debian):
// VTK renders into its framebuffer inside Qt's context, and paintGL blits it into Qt's.
class VtkViewport : public QOpenGLWidget {
  Q_OBJECT

 public:
  explicit VtkViewport(QWidget* parent = nullptr);
  ~VtkViewport() override;

  void setRenderer(vtkRenderer* renderer);
  vtkGenericOpenGLRenderWindow* renderWindow() const;
  // Render on the next paint.
  void requestRender() { update(); }
  // Off: mouse buttons no longer move the camera but are reported (a paint tool uses them).
  void setCameraInteraction(bool on);
  bool cameraInteraction() const;
  // For a slice view: the left button reports strokes (moving the cursor), the wheel steps
  // slices (Ctrl+wheel zooms), the right and middle buttons zoom and pan.
  void setSliceNavigation(bool on);

 Q_SIGNALS:
  // A mouse position in VTK display coordinates (origin bottom-left), for picking.
  void hovered(int x, int y);
  void clicked(int x, int y);
  // With camera interaction off: a left-button stroke, point by point.
  void strokeMoved(int x, int y);
  void strokeFinished();
  // The drawable size changed (a 2D view refits its camera).
  void resized();
  // With slice navigation: one wheel notch, +1 or -1.
  void sliceStepped(int delta);

 protected:
  void initializeGL() override;
  void resizeGL(int width, int height) override;
  void paintGL() override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace teramind::ui
