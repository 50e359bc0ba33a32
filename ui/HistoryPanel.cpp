#include "HistoryPanel.h"

#include "domain/DomainHistory.h"
#include "profiles/RunHistory.h"
#include "run/OutputFile.h"
#include "UiStyle.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {
constexpr int PathRole = Qt::UserRole + 1;
} // namespace

HistoryPanel::HistoryPanel(QString directory, QWidget* parent)
    : QWidget(parent)
    , m_directory(std::move(directory))
{
    setObjectName(QStringLiteral("historyPanel"));
    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("historyTitle"));
    m_title->setWordWrap(true);
    m_list = new QTreeWidget;
    m_list->setObjectName(QStringLiteral("historyList"));
    m_list->setAccessibleName(tr("Run history"));
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setHeaderLabels({tr("Time"), tr("Verdict"), tr("TLS"), tr("Server")});
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_problems = new QLabel;
    m_problems->setObjectName(QStringLiteral("historyProblems"));
    m_problems->setWordWrap(true);
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problems->hide();

    m_open = new QPushButton(tr("&Open"));
    m_open->setObjectName(QStringLiteral("historyOpenButton"));
    m_open->setToolTip(tr("Show this run in the window (read-only)"));
    m_export = new QPushButton(tr("E&xport…"));
    m_export->setObjectName(QStringLiteral("historyExportButton"));
    m_export->setToolTip(tr("Save this run's JSON report"));
    m_compare = new QPushButton(tr("&Compare"));
    m_compare->setObjectName(QStringLiteral("historyCompareButton"));
    m_compare->setToolTip(tr("Select two runs to see what changed between them"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_open);
    buttons->addWidget(m_export);
    buttons->addWidget(m_compare);
    buttons->addStretch(1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_title);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_problems);
    layout->addLayout(buttons);

    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &HistoryPanel::onSelectionChanged);
    connect(m_list, &QTreeWidget::itemActivated, this, &HistoryPanel::onOpen);
    connect(m_open, &QPushButton::clicked, this, &HistoryPanel::onOpen);
    connect(m_export, &QPushButton::clicked, this, &HistoryPanel::onExport);
    connect(m_compare, &QPushButton::clicked, this, &HistoryPanel::onCompare);
    onSelectionChanged();
}

void HistoryPanel::setKey(const QString& key, const QString& description)
{
    m_title->setText(tr("Runs of %1").arg(description));
    if (key == m_key)
        return;
    m_key = key;
    refresh();
}

void HistoryPanel::refresh()
{
    m_list->clear();
    QStringList problems;
    const QList<HistoryEntry> entries =
        m_key.isEmpty() ? QList<HistoryEntry>()
                        : DomainHistory::entries(RunHistory(m_directory), m_key, &problems);
    for (const HistoryEntry& e : entries) {
        auto* item = new QTreeWidgetItem(m_list);
        item->setText(0, QLocale().toString(e.startedAt.toLocalTime(), QLocale::ShortFormat));
        item->setIcon(1, UiStyle::verdictIcon(e.verdict));
        item->setText(1, UiStyle::verdictText(e.verdict));
        item->setText(2, e.tlsProtocol.isEmpty() ? tr("none") : e.tlsProtocol);
        if (e.isDomain) {
            // A domain check: the domain and how many MX hosts it had, marked as such.
            item->setIcon(3, UiStyle::icon(QStringLiteral("mail-domain")));
            item->setText(3, tr("%1 (%n MX)", nullptr, e.mxCount).arg(e.domain));
            item->setToolTip(3, tr("Domain check of %1: opens in the domain window").arg(e.domain));
        } else {
            item->setText(3, QStringLiteral("%1:%2").arg(e.host).arg(e.port));
        }
        item->setData(0, PathRole, e.path);
        item->setToolTip(0, e.startedAt.toUTC().toString(Qt::ISODateWithMs));
    }
    m_problems->setText(problems.join(QLatin1Char('\n')));
    m_problems->setVisible(!problems.isEmpty());
    if (entries.isEmpty() && problems.isEmpty())
        m_list->setToolTip(tr("No runs yet: every run of this server is kept here (the last %1).")
                               .arg(RunHistory::MaxRunsPerKey));
    onSelectionChanged();
}

QStringList HistoryPanel::selectedPaths() const
{
    QStringList paths;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_list->topLevelItem(i);
        if (item->isSelected())
            paths.append(item->data(0, PathRole).toString());
    }
    return paths;
}

void HistoryPanel::onSelectionChanged()
{
    const qsizetype n = selectedPaths().size();
    m_open->setEnabled(n == 1);
    m_export->setEnabled(n == 1);
    m_compare->setEnabled(n == 2);
}

void HistoryPanel::onOpen()
{
    const QStringList paths = selectedPaths();
    if (paths.size() == 1)
        Q_EMIT openRequested(paths.first());
}

QString HistoryPanel::exportReport(const QString& path, const QString& target)
{
    QFile file(path);
    // History entries are reports this program wrote; still, read no more than a report may be.
    if (!file.open(QIODevice::ReadOnly))
        return tr("Cannot read %1: %2").arg(path, file.errorString());
    QString error;
    if (!OutputFile::writeAll(target, file.read(32LL * 1024 * 1024), &error))
        return error;
    return {};
}

void HistoryPanel::onExport()
{
    const QStringList paths = selectedPaths();
    if (paths.size() != 1)
        return;
    const QString target = QFileDialog::getSaveFileName(
        this, tr("Export Report"), QFileInfo(paths.first()).fileName(), tr("JSON report (*.json)"));
    if (target.isEmpty())
        return;
    const QString error = exportReport(paths.first(), target);
    m_problems->setText(error);
    m_problems->setVisible(!error.isEmpty());
}

void HistoryPanel::onCompare()
{
    const QStringList paths = selectedPaths();
    if (paths.size() == 2)
        Q_EMIT compareRequested(paths.at(1), paths.at(0)); // newest first in the list
}
