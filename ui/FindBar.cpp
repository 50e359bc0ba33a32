#include "FindBar.h"

#include "UiStyle.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

FindBar::FindBar(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("findBar"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    auto* label = new QLabel(tr("Find:"), this);
    m_edit = new QLineEdit(this);
    m_edit->setObjectName(QStringLiteral("findEdit"));
    m_edit->setAccessibleName(tr("Find in transcript"));
    m_edit->setPlaceholderText(tr("Text in the conversation"));
    m_edit->setClearButtonEnabled(true);
    m_edit->installEventFilter(this);
    label->setBuddy(m_edit);
    auto* previous = new QToolButton(this);
    previous->setArrowType(Qt::UpArrow);
    previous->setAccessibleName(tr("Find previous"));
    previous->setToolTip(tr("Find previous (Shift+Enter)"));
    auto* next = new QToolButton(this);
    next->setArrowType(Qt::DownArrow);
    next->setAccessibleName(tr("Find next"));
    next->setToolTip(tr("Find next (Enter)"));
    m_status = new QLabel(this);
    auto* close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setAutoRaise(true);
    close->setAccessibleName(tr("Close find bar"));
    close->setToolTip(tr("Close (Esc)"));
    layout->addWidget(label);
    layout->addWidget(m_edit, 1);
    layout->addWidget(previous);
    layout->addWidget(next);
    layout->addWidget(m_status);
    layout->addWidget(close);

    connect(m_edit, &QLineEdit::returnPressed, this, [this] { Q_EMIT findNext(text()); });
    connect(m_edit, &QLineEdit::textEdited, this, [this] { Q_EMIT findNext(text()); });
    connect(next, &QToolButton::clicked, this, [this] { Q_EMIT findNext(text()); });
    connect(previous, &QToolButton::clicked, this, [this] { Q_EMIT findPrevious(text()); });
    connect(close, &QToolButton::clicked, this, [this] {
        hide();
        Q_EMIT closed();
    });
}

QString FindBar::text() const { return m_edit->text(); }

void FindBar::activate()
{
    show();
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
}

void FindBar::setResult(bool found)
{
    m_status->setText(found || text().isEmpty() ? QString() : tr("Not found"));
    QPalette pal = m_status->palette();
    pal.setColor(QPalette::WindowText, UiStyle::danger(palette()));
    m_status->setPalette(pal);
}

bool FindBar::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_edit) {
        // Esc closes the bar rather than stopping the run (the window's Esc shortcut).
        if (event->type() == QEvent::ShortcutOverride) {
            auto* key = static_cast<QKeyEvent*>(event);
            if (key->key() == Qt::Key_Escape) {
                event->accept();
                return true;
            }
        }
        if (event->type() == QEvent::KeyPress) {
            auto* key = static_cast<QKeyEvent*>(event);
            if (key->key() == Qt::Key_Escape) {
                hide();
                Q_EMIT closed();
                return true;
            }
            if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)
                && (key->modifiers() & Qt::ShiftModifier)) {
                Q_EMIT findPrevious(text());
                return true;
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}
