#include "RunDeadlineControl.h"

#include "check/CheckRunner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>

namespace {
const QString SettingsKey = QStringLiteral("Run/deadlineSeconds");
} // namespace

RunDeadlineControl::RunDeadlineControl(QWidget* parent)
    : QWidget(parent)
    , m_spin(new QSpinBox)
{
    auto* label = new QLabel(tr("&Deadline:"));
    label->setContentsMargins(6, 0, 4, 0);
    label->setBuddy(m_spin);
    m_spin->setObjectName(QStringLiteral("deadlineSpinBox"));
    m_spin->setAccessibleName(tr("Run deadline in seconds"));
    m_spin->setRange(1, 3600);
    m_spin->setSingleStep(10);
    m_spin->setSuffix(tr(" s"));
    m_spin->setToolTip(tr("The whole run, TLS audit included, ends after this time with a partial "
                          "report, however slowly the server answers (a tarpit waits seconds before "
                          "every reply). A normal server needs a few seconds."));
    const int stored = QSettings().value(SettingsKey, CheckOptions::DefaultDeadlineMs / 1000).toInt();
    m_spin->setValue(stored > 0 ? stored : CheckOptions::DefaultDeadlineMs / 1000);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(label);
    layout->addWidget(m_spin);
    connect(m_spin, &QSpinBox::valueChanged, this, &RunDeadlineControl::onValueChanged);
}

int RunDeadlineControl::deadlineMs() const { return m_spin->value() * 1000; }

void RunDeadlineControl::setDeadlineMs(int milliseconds) { m_spin->setValue((milliseconds + 999) / 1000); }

void RunDeadlineControl::onValueChanged(int seconds)
{
    QSettings().setValue(SettingsKey, seconds);
    Q_EMIT deadlineChanged(seconds * 1000);
}
