#include "VtkViewport.h"

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkNew.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>
#include <vtkRendererCollection.h>
#include <vtkSmartPointer.h>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QWheelEvent>

namespace teramind::ui {

struct VtkViewport::Impl {
  vtkNew<vtkGenericOpenGLRenderWindow> window;
  vtkNew<vtkGenericRenderWindowInteractor> interactor;
  vtkNew<vtkInteractorStyleTrackballCamera> style;
  vtkNew<vtkCallbackCommand> contextCallback;
  QPoint pressPosition;
  bool cameraInteraction = true;
  bool sliceNavigation = false;
  bool stroking = false;
  // The left button is reported as a stroke rather than turning the camera.
  bool leftIsStroke() const { return !cameraInteraction || sliceNavigation; }
};

namespace {

void onWindowEvent(vtkObject*, unsigned long event, void* clientData, void* callData) {
  auto* widget = static_cast<VtkViewport*>(clientData);
  QOpenGLContext* context = widget->context();
  switch (event) {
    case vtkCommand::WindowMakeCurrentEvent:
      // Not QOpenGLWidget::makeCurrent(): it rebinds Qt's framebuffer behind VTK's cached state.
      if (context) context->makeCurrent(context->surface());
      break;
    case vtkCommand::WindowIsCurrentEvent:
      *static_cast<bool*>(callData) = context && QOpenGLContext::currentContext() == context;
      break;
    case vtkCommand::WindowFrameEvent:
      break;  // paintGL blits; Qt swaps
    default:
      break;
  }
}

}  // namespace

VtkViewport::VtkViewport(QWidget* parent) : QOpenGLWidget(parent), impl_(new Impl) {
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  auto& w = *impl_->window;
  w.SetReadyForRendering(false);
  w.SetFrameBlitModeToNoBlit();
  w.SetMultiSamples(0);
  impl_->contextCallback->SetClientData(this);
  impl_->contextCallback->SetCallback(onWindowEvent);
  w.AddObserver(vtkCommand::WindowMakeCurrentEvent, impl_->contextCallback);
  w.AddObserver(vtkCommand::WindowIsCurrentEvent, impl_->contextCallback);
  w.AddObserver(vtkCommand::WindowFrameEvent, impl_->contextCallback);
  impl_->interactor->SetRenderWindow(&w);
  impl_->interactor->SetInteractorStyle(impl_->style);
  impl_->interactor->EnableRenderOff();  // Qt decides when to paint
  // Camera interaction changes the picture: repaint.
  vtkNew<vtkCallbackCommand> repaint;
  repaint->SetClientData(this);
  repaint->SetCallback([](vtkObject*, unsigned long, void* data, void*) {
    static_cast<VtkViewport*>(data)->update();
  });
  impl_->style->AddObserver(vtkCommand::InteractionEvent, repaint);
}

VtkViewport::~VtkViewport() {
  makeCurrent();
  impl_->window->Finalize();
  impl_->window->RemoveAllObservers();
  doneCurrent();
  delete impl_;
}

void VtkViewport::setRenderer(vtkRenderer* renderer) {
  auto* renderers = impl_->window->GetRenderers();
  renderers->InitTraversal();
  while (vtkRenderer* existing = renderers->GetNextItem()) impl_->window->RemoveRenderer(existing);
  if (renderer) impl_->window->AddRenderer(renderer);
  update();
}

vtkGenericOpenGLRenderWindow* VtkViewport::renderWindow() const {
  return impl_->window;
}

void VtkViewport::initializeGL() {
  auto& w = *impl_->window;
  w.SetOwnContext(false);
  w.SetReadyForRendering(true);
  w.OpenGLInitContext();
  const qreal ratio = devicePixelRatioF();
  w.SetSize(static_cast<int>(width() * ratio), static_cast<int>(height() * ratio));
  impl_->interactor->Initialize();
}

void VtkViewport::resizeGL(int width, int height) {
  const qreal ratio = devicePixelRatioF();
  const int w = static_cast<int>(width * ratio), h = static_cast<int>(height * ratio);
  impl_->window->SetSize(w, h);
  impl_->interactor->UpdateSize(w, h);
  Q_EMIT resized();
}

void VtkViewport::paintGL() {
  auto& w = *impl_->window;
  vtkOpenGLState* state = w.GetState();
  state->Reset();
  state->Push();
  w.Render();
  state->Pop();

  // Copy VTK's display framebuffer into the one Qt composes from.
  const int* size = w.GetSize();
  QOpenGLFunctions* f = context()->functions();
  state->PushDrawFramebufferBinding();
  f->glBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
  w.BlitDisplayFramebuffer(0, 0, 0, size[0], size[1], 0, 0, size[0], size[1], GL_COLOR_BUFFER_BIT,
                           GL_NEAREST);
  state->PopDrawFramebufferBinding();
}

namespace {

// Passes the mouse position (VTK display coordinates, origin bottom-left) and modifiers to the
// interactor; returns the position.
QPoint forwardPosition(const QWidget* widget, const QMouseEvent* event,
                       vtkGenericRenderWindowInteractor& interactor) {
  const qreal ratio = widget->devicePixelRatioF();
  const int x = static_cast<int>(event->position().x() * ratio);
  const int y = static_cast<int>((widget->height() - event->position().y() - 1) * ratio);
  interactor.SetEventInformation(x, y, event->modifiers() & Qt::ControlModifier,
                                 event->modifiers() & Qt::ShiftModifier);
  return {x, y};
}

unsigned long buttonEvent(Qt::MouseButton button, bool press) {
  switch (button) {
    case Qt::LeftButton:
      return press ? vtkCommand::LeftButtonPressEvent : vtkCommand::LeftButtonReleaseEvent;
    case Qt::RightButton:
      return press ? vtkCommand::RightButtonPressEvent : vtkCommand::RightButtonReleaseEvent;
    case Qt::MiddleButton:
      return press ? vtkCommand::MiddleButtonPressEvent : vtkCommand::MiddleButtonReleaseEvent;
    default:
      return vtkCommand::NoEvent;
  }
}

}  // namespace

void VtkViewport::setCameraInteraction(bool on) {
  impl_->cameraInteraction = on;
  impl_->stroking = false;
  setCursor(on ? Qt::ArrowCursor : Qt::CrossCursor);
}

void VtkViewport::setSliceNavigation(bool on) {
  impl_->sliceNavigation = on;
  impl_->stroking = false;
  setCursor(on ? Qt::CrossCursor : Qt::ArrowCursor);
}

bool VtkViewport::cameraInteraction() const {
  return impl_->cameraInteraction;
}

void VtkViewport::mousePressEvent(QMouseEvent* event) {
  impl_->pressPosition = event->position().toPoint();
  const QPoint at = forwardPosition(this, event, *impl_->interactor);
  if (event->button() == Qt::LeftButton && impl_->leftIsStroke()) {
    impl_->stroking = true;
    Q_EMIT strokeMoved(at.x(), at.y());
    return;
  }
  if (!impl_->cameraInteraction) return;
  if (const auto id = buttonEvent(event->button(), true); id != vtkCommand::NoEvent)
    impl_->interactor->InvokeEvent(id);
  update();
}

void VtkViewport::mouseReleaseEvent(QMouseEvent* event) {
  const QPoint at = forwardPosition(this, event, *impl_->interactor);
  if (event->button() == Qt::LeftButton && impl_->leftIsStroke()) {
    if (impl_->stroking) {
      impl_->stroking = false;
      Q_EMIT strokeFinished();
    }
    return;
  }
  if (!impl_->cameraInteraction) return;
  if (const auto id = buttonEvent(event->button(), false); id != vtkCommand::NoEvent)
    impl_->interactor->InvokeEvent(id);
  // A click without a drag picks.
  if (event->button() == Qt::LeftButton &&
      (event->position().toPoint() - impl_->pressPosition).manhattanLength() < 4)
    Q_EMIT clicked(at.x(), at.y());
  update();
}

void VtkViewport::mouseMoveEvent(QMouseEvent* event) {
  const QPoint at = forwardPosition(this, event, *impl_->interactor);
  Q_EMIT hovered(at.x(), at.y());
  if (impl_->stroking) {
    Q_EMIT strokeMoved(at.x(), at.y());
    return;
  }
  if (!impl_->cameraInteraction) return;
  impl_->interactor->InvokeEvent(vtkCommand::MouseMoveEvent);
  if (event->buttons() != Qt::NoButton) update();
}

void VtkViewport::wheelEvent(QWheelEvent* event) {
  if (impl_->sliceNavigation && !(event->modifiers() & Qt::ControlModifier)) {
    if (event->angleDelta().y() != 0) Q_EMIT sliceStepped(event->angleDelta().y() > 0 ? 1 : -1);
    return;
  }
  auto& i = *impl_->interactor;
  i.InvokeEvent(event->angleDelta().y() > 0 ? vtkCommand::MouseWheelForwardEvent
                                            : vtkCommand::MouseWheelBackwardEvent);
  update();
}

}  // namespace teramind::ui
