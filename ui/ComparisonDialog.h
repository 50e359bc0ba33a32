#pragma once

#include "run/ComparisonCore.h"

#include <QDialog>

class QLabel;
class QPushButton;
class QTableWidget;

/**
 * What CompareDialog and DomainCompareDialog share: a summary line, a table of three columns (the
 * thing, its value before and after) in bold sections, changed rows marked with ● and tinted, and
 * a Close button. A subclass fills the table between its setUp() and finish() calls.
 */
class ComparisonDialog : public QDialog
{
    Q_OBJECT

public:
    Q_DISABLE_COPY_MOVE(ComparisonDialog)

    QTableWidget* table() const { return m_table; }
    /// The rows as "what | before | after" lines (tests, copy).
    QStringList rowTexts() const;

protected:
    explicit ComparisonDialog(QWidget* parent);

    /// The summary (nothing changed, or how changes are marked), the table's accessible name and
    /// the before and after column titles ("Before: <title>").
    void setUp(bool unchanged, const QString& tableName, const QString& beforeTitle,
               const QString& afterTitle);
    void addSection(const QString& title);
    /// Server and DNS text: one line per value, escaped; an empty value shows as "—".
    void addRow(const QString& what, const QString& before, const QString& after, bool changed);
    /// A section of the removed entries, then the added ones; nothing when the set did not change.
    void addSetSection(const QString& title, const SetChange& set);
    /// No row selected, the focus on Close.
    void finish();

private:
    QLabel* m_summary = nullptr;
    QTableWidget* m_table = nullptr;
    QPushButton* m_close = nullptr;
};
