#include "SendPane.h"

#include "MainWindow.h"
#include "run/InputFile.h"
#include "RunController.h"
#include "ServerBar.h"

#include <limits>
#include <QCheckBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMimeDatabase>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace {
/// Largest attachment the pane reads (the server's SIZE decides what it accepts).
constexpr qsizetype MaxAttachmentBytes = 50 * 1024 * 1024;
/// The preview shows this much of the raw message; a large attachment is not worth rendering.
constexpr qsizetype PreviewBytes = 64 * 1024;

QStringList addressList(const QString& text)
{
    QStringList list;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!part.trimmed().isEmpty())
            list.append(part.trimmed());
    }
    return list;
}
} // namespace

SendPane::SendPane(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("sendPane"));
    auto* form = new QFormLayout;
    form->addRow(tr("&From:"), m_from = new QLineEdit);
    form->addRow(tr("&To:"), m_to = new QLineEdit);
    form->addRow(tr("&Cc:"), m_cc = new QLineEdit);
    form->addRow(tr("&Subject:"), m_subject = new QLineEdit(tr("Mailscope test message")));
    m_to->setPlaceholderText(tr("one or more, separated by commas"));
    m_body = new QPlainTextEdit;
    m_body->setPlaceholderText(tr("Empty: the message says how it travelled (server, TLS version, cipher)"));
    form->addRow(tr("&Body:"), m_body);

    m_attachments = new QListWidget;
    m_attachments->setMaximumHeight(70);
    auto* add = new QPushButton(tr("Add…"));
    auto* remove = new QPushButton(tr("Remove"));
    auto* attachButtons = new QVBoxLayout;
    attachButtons->addWidget(add);
    attachButtons->addWidget(remove);
    attachButtons->addStretch();
    auto* attachRow = new QHBoxLayout;
    attachRow->addWidget(m_attachments, 1);
    attachRow->addLayout(attachButtons);
    form->addRow(tr("Attachments:"), attachRow);

    m_headers = new QPlainTextEdit;
    m_headers->setPlaceholderText(tr("Name: value, one a line"));
    m_headers->setMaximumHeight(60);
    form->addRow(tr("Extra &headers:"), m_headers);
    form->addRow(QString(), m_bdat = new QCheckBox(tr("Use BDAT (CHUNKING) when the server offers it")));

    m_preview = new QPlainTextEdit;
    m_preview->setReadOnly(true);
    m_preview->setObjectName(QStringLiteral("sendPreview"));
    m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_preview->setFont(mono);

    m_send = new QPushButton(tr("Send…"));
    m_send->setObjectName(QStringLiteral("sendButton"));
    auto* previewButton = new QPushButton(tr("Preview"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(previewButton);
    buttons->addStretch();
    buttons->addWidget(m_send);

    // One clear confirmation, in place: what goes where, then "Send now" or "Cancel".
    m_confirmBar = new QFrame;
    m_confirmBar->setFrameShape(QFrame::StyledPanel);
    m_confirmText = new QLabel;
    m_confirmText->setWordWrap(true);
    m_confirm = new QPushButton(tr("Send now"));
    m_confirm->setObjectName(QStringLiteral("confirmSendButton"));
    auto* cancel = new QPushButton(tr("Cancel"));
    auto* confirmLayout = new QHBoxLayout(m_confirmBar);
    confirmLayout->addWidget(m_confirmText, 1);
    confirmLayout->addWidget(m_confirm);
    confirmLayout->addWidget(cancel);
    m_confirmBar->hide();

    m_outcome = new QLabel;
    m_outcome->setObjectName(QStringLiteral("sendOutcome"));
    m_outcome->setWordWrap(true);
    m_outcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_outcome->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);

    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("sendProgress"));
    m_progress->hide();

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_confirmBar);
    layout->addWidget(m_outcome);
    layout->addWidget(m_progress);
    layout->addWidget(new QLabel(tr("Raw message:")));
    layout->addWidget(m_preview, 1);

    connect(previewButton, &QPushButton::clicked, this, &SendPane::updatePreview);
    connect(m_send, &QPushButton::clicked, this, &SendPane::askConfirmation);
    connect(cancel, &QPushButton::clicked, m_confirmBar, &QWidget::hide);
    connect(m_confirm, &QPushButton::clicked, this, [this] {
        m_confirmBar->hide();
        QString error;
        if (const auto send = composed(&error)) {
            m_outcome->setText(tr("Sending…"));
            Q_EMIT sendRequested(*send);
        } else {
            m_outcome->setText(error);
        }
    });
    connect(add, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Attach a file"));
        QString error;
        if (!path.isEmpty() && !addAttachment(path, &error))
            m_outcome->setText(error);
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_attachments->currentRow();
        if (row < 0)
            return;
        delete m_attachments->takeItem(row);
        m_files.removeAt(row);
    });
}

bool SendPane::addAttachment(const QString& path, QString* error)
{
    InputFile::Limits limits;
    limits.maxBytes = MaxAttachmentBytes;
    const InputFile::Result read = InputFile::read(path, limits);
    if (!read.ok()) {
        if (error)
            *error = read.error;
        return false;
    }
    const QString type = QMimeDatabase().mimeTypeForFileNameAndData(path, read.data).name();
    m_files.append({QFileInfo(path).fileName(), read.data, type.toLatin1()});
    m_attachments->addItem(tr("%1 (%2 bytes)").arg(QFileInfo(path).fileName()).arg(read.data.size()));
    return true;
}

std::optional<SendOptions> SendPane::composed(QString* error) const
{
    SendOptions send;
    TestMessage& m = send.message;
    m.from = m_from->text().trimmed();
    m.to = addressList(m_to->text());
    m.cc = addressList(m_cc->text());
    m.subject = m_subject->text();
    m.body = m_body->toPlainText();
    m.attachments = m_files;
    for (const QString& line : m_headers->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        const QByteArray name = colon > 0 ? line.left(colon).trimmed().toUtf8() : QByteArray();
        const QString value = line.mid(colon + 1).trimmed();
        const QString problem = colon > 0 ? TestMessage::headerProblem(name, value) : tr("no colon");
        if (!problem.isEmpty()) {
            *error = tr("Header \"%1\": %2").arg(line, problem);
            return std::nullopt;
        }
        m.extraHeaders.append({name, value});
    }
    if (m.from.isEmpty() || m.to.isEmpty()) {
        *error = tr("A sender (From) and at least one recipient (To) are needed.");
        return std::nullopt;
    }
    const BuiltMessage built = m.build();
    if (!built.ok()) {
        *error = built.error;
        return std::nullopt;
    }
    send.bdat = m_bdat->isChecked();
    return send;
}

void SendPane::applyDefaults(const QString& from, const QStringList& to)
{
    if (m_from->text().isEmpty())
        m_from->setText(from);
    if (m_to->text().isEmpty())
        m_to->setText(to.join(QStringLiteral(", ")));
}

void SendPane::updatePreview()
{
    QString error;
    const auto send = composed(&error);
    if (!send) {
        m_preview->setPlainText(error);
        return;
    }
    // The default body is written at send time (it names the TLS of that connection).
    const QByteArray bytes = send->message.build().bytes;
    QString text = QString::fromUtf8(bytes.left(PreviewBytes));
    if (bytes.size() > PreviewBytes)
        text += tr("\n[… %1 more bytes not shown]").arg(bytes.size() - PreviewBytes);
    m_preview->setPlainText(text);
}

void SendPane::askConfirmation()
{
    QString error;
    const auto send = composed(&error);
    if (!send) {
        m_outcome->setText(error);
        return;
    }
    updatePreview();
    const qsizetype size = send->message.build().bytes.size();
    m_confirmText->setText(
        tr("Send this message (%1 bytes) from %2 to %3 through the selected server?")
            .arg(size)
            .arg(send->message.from, send->message.recipients().join(QStringLiteral(", "))));
    m_confirmBar->show();
    m_confirm->setFocus();
}

void SendPane::showOutcome(const Run& run)
{
    m_progress->hide();
    if (!run.message) {
        m_outcome->setText(tr("Not sent: the run ended before the message (see the timeline)."));
        return;
    }
    const StepRecord* data = run.step(StepId::Data);
    if (!run.message->queueReply.isEmpty()) {
        Reply reply;
        reply.text = run.message->queueReply.mid(4); // after "250 "
        const QString id = MessageTransaction::queueIdFrom(reply);
        m_outcome->setText(id.isEmpty() ? tr("Accepted: %1").arg(run.message->queueReply)
                                        : tr("Accepted, queue id %1").arg(id));
        m_outcome->setToolTip(run.message->queueReply);
        return;
    }
    m_outcome->setText(tr("Not delivered: %1")
                           .arg(data && !data->summary.isEmpty() ? data->summary : tr("see the findings")));
}

void SendPane::showProgress(qint64 sent, qint64 total)
{
    if (total < ProgressFromBytes)
        return;
    // In KiB: QProgressBar counts in int, and a message may pass 2 GiB in principle.
    m_progress->setRange(0, int(std::min<qint64>(total / 1024, std::numeric_limits<int>::max())));
    m_progress->setValue(int(std::min<qint64>(sent / 1024, m_progress->maximum())));
    m_progress->setFormat(tr("%1 of %2 KiB sent").arg(sent / 1024).arg(total / 1024));
    m_progress->show();
    m_outcome->setText(sent < total ? tr("Sending the message…")
                                    : tr("Sent; waiting for the server's reply…"));
}

SendPane* SendPane::install(MainWindow* window)
{
    auto* pane = new SendPane;
    auto* dock = new QDockWidget(tr("Send Test Message"), window);
    dock->setObjectName(QStringLiteral("sendDock"));
    dock->setWidget(pane);
    dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable);
    window->addDockWidget(Qt::RightDockWidgetArea, dock);
    dock->hide();
    QAction* action = dock->toggleViewAction();
    action->setObjectName(QStringLiteral("sendAction"));
    action->setText(tr("Send &Test Message"));
    action->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    const QList<QAction*> menus = window->menuBar()->actions();
    if (!menus.isEmpty() && menus.constFirst()->menu())
        menus.constFirst()->menu()->addAction(action);

    RunController* controller = window->controller();
    connect(pane, &SendPane::sendRequested, pane, [window, controller, pane](const SendOptions& send) {
        window->serverBar()->resolveChoice([controller, send, pane](const ServerChoice& choice) {
            controller->setNextSend(send);
            pane->m_sending = controller->start(choice);
        });
    });
    connect(controller, &RunController::messageProgress, pane, [pane](qint64 sent, qint64 total) {
        if (pane->m_sending)
            pane->showProgress(sent, total);
    });
    connect(controller, &RunController::finished, pane, [pane, controller] {
        if (std::exchange(pane->m_sending, false))
            pane->showOutcome(controller->run());
    });
    ServerBar* bar = window->serverBar();
    const auto fill = [pane, bar] {
        const ServerChoice choice = bar->choice();
        if (choice.profile)
            pane->applyDefaults(choice.profile->mailFrom, choice.profile->rcptTo);
    };
    connect(bar, &ServerBar::choiceChanged, pane, fill);
    fill();
    return pane;
}
