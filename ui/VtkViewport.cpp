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

int vtkY(const QWidget* widget, qreal y) {
  return static_cast<int>((widget->height() - y - 1) * widget->devicePixelRatioF());
}

}  // namespace

void VtkViewport::mousePressEvent(QMouseEvent* event) {
  impl_->pressPosition = event->position().toPoint();
  auto& i = *impl_->interactor;
  const qreal ratio = devicePixelRatioF();
  i.SetEventInformation(static_cast<int>(event->position().x() * ratio),
                        vtkY(this, event->position().y()), event->modifiers() & Qt::ControlModifier,
                        event->modifiers() & Qt::ShiftModifier);
  if (event->button() == Qt::LeftButton) i.InvokeEvent(vtkCommand::LeftButtonPressEvent);
  if (event->button() == Qt::RightButton) i.InvokeEvent(vtkCommand::RightButtonPressEvent);
  if (event->button() == Qt::MiddleButton) i.InvokeEvent(vtkCommand::MiddleButtonPressEvent);
  update();
}

void VtkViewport::mouseReleaseEvent(QMouseEvent* event) {
  auto& i = *impl_->interactor;
  const qreal ratio = devicePixelRatioF();
  const int x = static_cast<int>(event->position().x() * ratio),
            y = vtkY(this, event->position().y());
  i.SetEventInformation(x, y, event->modifiers() & Qt::ControlModifier,
                        event->modifiers() & Qt::ShiftModifier);
  if (event->button() == Qt::LeftButton) i.InvokeEvent(vtkCommand::LeftButtonReleaseEvent);
  if (event->button() == Qt::RightButton) i.InvokeEvent(vtkCommand::RightButtonReleaseEvent);
  if (event->button() == Qt::MiddleButton) i.InvokeEvent(vtkCommand::MiddleButtonReleaseEvent);
  // A click without a drag picks.
  if (event->button() == Qt::LeftButton &&
      (event->position().toPoint() - impl_->pressPosition).manhattanLength() < 4)
    Q_EMIT clicked(x, y);
  update();
}

void VtkViewport::mouseMoveEvent(QMouseEvent* event) {
  auto& i = *impl_->interactor;
  const qreal ratio = devicePixelRatioF();
  const int x = static_cast<int>(event->position().x() * ratio),
            y = vtkY(this, event->position().y());
  i.SetEventInformation(x, y, event->modifiers() & Qt::ControlModifier,
                        event->modifiers() & Qt::ShiftModifier);
  i.InvokeEvent(vtkCommand::MouseMoveEvent);
  Q_EMIT hovered(x, y);
  if (event->buttons() != Qt::NoButton) update();
}

void VtkViewport::wheelEvent(QWheelEvent* event) {
  auto& i = *impl_->interactor;
  i.InvokeEvent(event->angleDelta().y() > 0 ? vtkCommand::MouseWheelForwardEvent
                                            : vtkCommand::MouseWheelBackwardEvent);
  update();
}

}  // namespace teramind::ui
