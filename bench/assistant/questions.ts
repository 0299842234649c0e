/**
 * The evaluation set: questions a student might ask about the demo courses, each with words
 * from the passage (page of a demo reading) that answers it. Phrased as students ask, not
 * copied from the text.
 */
export interface EvalQuestion {
  course: string;
  question: string;
  /** A phrase only the answering passage contains. */
  answer: string;
}

const q = (course: string, question: string, answer: string): EvalQuestion => ({ course, question, answer });

const PY = "Python for Absolute Beginners";
const JS = "Modern JavaScript and TypeScript";
const ALG = "Algorithms and Data Structures";
const STATS = "Statistics for Data Analysis";
const SQL = "SQL and Relational Databases";
const ML = "Machine Learning Foundations";
const UI = "Principles of User Interface Design";
const A11Y = "Accessible Web Design";
const DS = "Design Systems at Scale";
const ES = "Spanish for Travellers";
const BIZ = "Business English Communication";
const ACAD = "Academic Writing in English";

export const QUESTIONS: EvalQuestion[] = [
  q(PY, "How do I check which version of Python I installed?", "python --version"),
  q(PY, "Do I have to declare the type of a variable?", "You never declare a type"),
  q(PY, "What does a function give back if it has no return statement?", "gives back None"),
  q(PY, "Why should I pass an encoding when opening a file?", "Always give the encoding"),
  q(PY, "How can I put a value inside a string?", "f-strings"),
  q(JS, "Should I use var, let or const?", "Declare variables with const by default"),
  q(JS, "What happens with Promise.all when one promise fails?", "Promise.all waits for several promises"),
  q(JS, "How does narrowing work with union types?", "narrowing with typeof"),
  q(JS, "What does strict mode turn on in tsconfig?", "strictNullChecks"),
  q(JS, "What are generics for?", "Generics, written with angle brackets"),
  q(ALG, "What is the complexity of binary search?", "binary search on a sorted array is O(log n)"),
  q(ALG, "Is quicksort always n log n?", "O(n squared) in the worst case"),
  q(ALG, "Which algorithm finds shortest paths with weighted edges?", "Dijkstra's algorithm"),
  q(ALG, "What is the difference between memoisation and tabulation?", "Memoisation stores results top-down"),
  q(ALG, "How are graphs stored in memory?", "adjacency list or an adjacency matrix"),
  q(STATS, "Why is the median better than the mean with outliers?", "not pulled by outliers"),
  q(STATS, "What share of values lie within two standard deviations?", "about 95 percent within two"),
  q(
    STATS,
    "What does a 95% confidence interval mean?",
    "95 percent of such intervals would contain the true mean",
  ),
  q(STATS, "What is a p-value?", "The p-value is the probability of seeing data"),
  q(STATS, "Why do larger samples give narrower intervals?", "standard error shrinks"),
  q(SQL, "What is a foreign key?", "a foreign key refers to a primary key"),
  q(SQL, "What does a left join return when nothing matches?", "left join keeps every row"),
  q(SQL, "Do indexes slow down writes?", "slows down writes"),
  q(SQL, "What is the difference between EXPLAIN and EXPLAIN ANALYZE?", "EXPLAIN ANALYZE runs it"),
  q(SQL, "How do I filter groups after GROUP BY?", "HAVING filters the groups"),
  q(ML, "What is the difference between regression and classification?", "Regression predicts a number"),
  q(ML, "How does a random forest reduce overfitting?", "random forest averages many trees"),
  q(ML, "How can I tell if my model is overfitting?", "A model overfits when it learns the noise"),
  q(ML, "Why is accuracy misleading for rare classes?", "Accuracy is the share of correct predictions"),
  q(ML, "What does logistic regression output?", "sigmoid function"),
  q(
    UI,
    "How do I show which element is most important on a screen?",
    "Hierarchy tells people what to look at first",
  ),
  q(UI, "Should text be centred or left-aligned?", "Left-aligned text is easier to read"),
  q(UI, "What font size and line length should body text have?", "line length of 45 to 75 characters"),
  q(UI, "Can I use only colour to show an error?", "never as the only signal"),
  q(A11Y, "What are the four principles of WCAG?", "perceivable, operable, understandable and robust"),
  q(A11Y, "What alt text should a decorative image have?", "decorative images get an empty alt"),
  q(A11Y, "What contrast ratio does WCAG AA require?", "4.5 to 1"),
  q(A11Y, "Which screen readers can I test with?", "NVDA on Windows or VoiceOver"),
  q(DS, "What are design tokens?", "Design tokens are named values"),
  q(DS, "How should we version the component library?", "semantic versioning"),
  q(DS, "How do we remove an old component?", "Deprecate old components with a warning"),
  q(DS, "How can we measure adoption of the design system?", "how many products use the current version"),
  q(ES, "When do I use usted instead of tú?", "Use usted, the formal you"),
  q(ES, "How do I ask someone to speak more slowly?", "más despacio"),
  q(ES, "How do I ask for the bill at a restaurant?", "la cuenta, por favor"),
  q(ES, "What number do I call in an emergency in Spain?", "call 112"),
  q(
    BIZ,
    "What should go in the subject line of an email?",
    "Put the purpose of the email in the subject line",
  ),
  q(BIZ, "How do I disagree politely in a meeting?", "To disagree politely, acknowledge first"),
  q(BIZ, "How should I structure a presentation?", "Start with the message in one sentence"),
  q(BIZ, "Why not write in capital letters?", "reads as shouting"),
  q(ACAD, "Where does the thesis statement go?", "usually at the end of the introduction"),
  q(ACAD, "What is the difference between APA and MLA citations?", "APA, which puts the author and year"),
  q(ACAD, "How should I revise my paper?", "Revise in passes"),
  q(ACAD, "What should each body paragraph contain?", "Each body paragraph makes one point"),
];
