/**
 * The text of the demo courses' weekly readings, two pages a week, so the demo PDFs say
 * something a student (or the course assistant) can learn from.
 */
export const DEMO_READINGS: Record<string, [string[], string[]]> = {
  "Python for Absolute Beginners": [
    [
      "Installing Python. Download Python 3 from python.org and tick 'Add python.exe to PATH' on Windows. Open a terminal and type python --version to check the installation. The interactive prompt, shown as >>>, runs each line as soon as you press Enter, which makes it a good place to experiment.",
      "Variables and types. A variable is a name bound to a value: age = 30 binds the name age to the integer 30. Python has integers, floating-point numbers, strings and booleans. You never declare a type; the value carries it, and type(age) tells you which. Strings are written in single or double quotes, and f-strings such as f'Hello {name}' put values inside text.",
    ],
    [
      "Functions. A function is defined with the def keyword, a name, parentheses with its parameters and a colon; the indented lines below are its body. The return statement hands a value back to the caller. A function without return gives back None. Default values, as in def greet(name='friend'), make a parameter optional.",
      "Reading and writing files. Open a file with the with statement: with open('notes.txt', encoding='utf-8') as f reads it and closes it automatically, even when an error happens. Mode 'w' writes a new file and 'a' appends to an existing one. Always give the encoding, or Python uses the operating system's default.",
    ],
  ],
  "Modern JavaScript and TypeScript": [
    [
      "Modern JavaScript. Declare variables with const by default and let when the value must change; var is function-scoped and best avoided. Arrow functions keep the this of the surrounding code. Destructuring takes values out of objects and arrays, and the spread operator copies them. Optional chaining, written ?., stops at null or undefined instead of throwing.",
      "Modules and async code. ES modules use import and export, and each file has its own scope. Asynchronous work returns a Promise; an async function can await it, which reads like ordinary sequential code. Promise.all waits for several promises at once and fails as soon as one of them rejects.",
    ],
    [
      "Types that help. TypeScript adds static types that are checked before the code runs and erased afterwards. An interface describes the shape of an object. A union type such as string | number allows either, and narrowing with typeof or a discriminant field tells the compiler which one you have at each point.",
      "Strict mode. Turn on strict in tsconfig.json: it enables strictNullChecks, so null and undefined must be handled explicitly, and noImplicitAny, which refuses values whose type the compiler cannot infer. Generics, written with angle brackets as in Array<T>, let a function or type work with many types while staying checked.",
    ],
  ],
  "Algorithms and Data Structures": [
    [
      "Big-O notation. Big-O describes how the running time of an algorithm grows with the size of its input, ignoring constant factors. Linear search is O(n); binary search on a sorted array is O(log n) because it halves the range at each step. Nested loops over the same input are usually O(n squared).",
      "Sorting. Merge sort splits the array in halves, sorts each and merges them, always in O(n log n) time, and it is stable. Quicksort partitions around a pivot and is O(n log n) on average but O(n squared) in the worst case, when the pivots are chosen badly. Insertion sort is fast for small or nearly sorted arrays.",
    ],
    [
      "Graphs. A graph is a set of vertices joined by edges, stored as an adjacency list or an adjacency matrix. Breadth-first search visits vertices in order of distance and finds shortest paths in unweighted graphs. Dijkstra's algorithm finds shortest paths when edges have non-negative weights, using a priority queue.",
      "Dynamic programming. Dynamic programming solves a problem by combining the answers to overlapping subproblems, storing each answer so it is computed only once. Memoisation stores results top-down; tabulation fills a table bottom-up. Computing Fibonacci numbers this way takes linear time instead of exponential time.",
    ],
  ],
  "Statistics for Data Analysis": [
    [
      "Describing data. The mean is the sum of the values divided by their number; the median is the middle value once they are sorted, and it is not pulled by outliers the way the mean is. The standard deviation measures how far values typically lie from the mean. A histogram shows the shape of a distribution.",
      "The normal distribution. Many measurements follow a bell-shaped normal distribution. About 68 percent of values lie within one standard deviation of the mean and about 95 percent within two. A z-score says how many standard deviations a value lies from the mean.",
    ],
    [
      "Confidence intervals. A sample mean estimates the population mean with some uncertainty. A 95 percent confidence interval is a range built so that, over many samples, 95 percent of such intervals would contain the true mean. Larger samples give narrower intervals because the standard error shrinks with the square root of the sample size.",
      "Hypothesis tests. A hypothesis test starts from a null hypothesis, such as 'the two groups have the same mean'. The p-value is the probability of seeing data at least this extreme if the null hypothesis were true. A small p-value, commonly below 0.05, is evidence against the null hypothesis; it is not the probability that the null hypothesis is true.",
    ],
  ],
  "SQL and Relational Databases": [
    [
      "Tables and keys. A relational database stores data in tables of rows and columns. A primary key identifies each row uniquely; a foreign key refers to a primary key in another table and keeps the references consistent. Normalising a schema removes duplicated data, so each fact is stored in one place.",
      "Joins. An inner join returns the rows that match in both tables. A left join keeps every row of the left table and fills the columns of the right table with NULL when nothing matches. GROUP BY with aggregate functions such as COUNT and SUM summarises rows, and HAVING filters the groups.",
    ],
    [
      "Indexes. An index lets PostgreSQL find rows without reading the whole table. The default B-tree index serves equality and range conditions and sorting. Every index speeds up reads but slows down writes and takes space, so index the columns your queries filter and join on.",
      "Query plans. EXPLAIN shows the plan PostgreSQL chose for a query, and EXPLAIN ANALYZE runs it and reports the real time and row counts of each step. A sequential scan reads the whole table; an index scan follows the index. Large differences between estimated and actual rows suggest running ANALYZE to refresh the statistics.",
    ],
  ],
  "Machine Learning Foundations": [
    [
      "Supervised learning. In supervised learning a model learns from examples whose correct answers, the labels, are known. Regression predicts a number, such as a house price; classification predicts a category, such as spam or not spam. Linear regression fits a straight line that minimises the squared errors.",
      "Logistic regression and trees. Logistic regression turns a linear score into a probability between 0 and 1 with the sigmoid function, and is a common first classifier. A decision tree splits the data on one feature at a time; a random forest averages many trees trained on random samples, which reduces overfitting.",
    ],
    [
      "Overfitting. A model overfits when it learns the noise of its training data and does poorly on new data. Hold out a test set that the model never sees during training, and use cross-validation, which trains and evaluates on several splits of the data, to choose between models and settings.",
      "Evaluation metrics. Accuracy is the share of correct predictions, and it misleads when one class is rare. Precision is the share of predicted positives that are really positive; recall is the share of real positives that the model finds. The F1 score is the harmonic mean of precision and recall.",
    ],
  ],
  "Principles of User Interface Design": [
    [
      "Visual hierarchy. Hierarchy tells people what to look at first. Size, weight, colour and position all signal importance: the most important element is usually the largest and highest on the screen. Group related items close together and separate unrelated ones with white space, following the principle of proximity.",
      "Alignment and grids. Aligning elements to a grid makes a screen look calm and easy to scan. A consistent spacing scale, for example multiples of 8 pixels, keeps margins and gaps predictable. Left-aligned text is easier to read than centred text for anything longer than a line.",
    ],
    [
      "Typography. Choose one or two typefaces and a small set of sizes. Body text reads best at about 16 pixels with a line length of 45 to 75 characters and a line height of around 1.5. Use weight and size, not underlines, for emphasis, because people expect underlined text to be a link.",
      "Colour. Use colour to support meaning, never as the only signal: pair a red error colour with an icon or text. Keep one accent colour for actions so buttons are easy to find. Check the contrast between text and background; low contrast makes text hard to read for everyone.",
    ],
  ],
  "Accessible Web Design": [
    [
      "Why accessibility. About one in six people live with a disability. The Web Content Accessibility Guidelines (WCAG) 2.2 organise requirements under four principles: perceivable, operable, understandable and robust. Level AA is the usual legal and contractual target. Accessible sites also work better on phones and for older users.",
      "Semantic HTML. Use the element that means what you need: button for actions, a for links, headings h1 to h6 in order, and label elements tied to form fields. Screen readers announce these roles automatically. Every image that carries information needs alternative text in its alt attribute; decorative images get an empty alt.",
    ],
    [
      "Keyboard and contrast. Everything must work with the keyboard alone: Tab moves focus, Enter and Space activate, and the focus indicator must stay visible. WCAG AA asks for a contrast ratio of at least 4.5 to 1 for normal text and 3 to 1 for large text.",
      "Testing with real tools. Automated checkers such as axe find about a third of the problems. Test by hand too: navigate with the keyboard, zoom to 200 percent, and listen with a screen reader such as NVDA on Windows or VoiceOver on macOS and iOS.",
    ],
  ],
  "Design Systems at Scale": [
    [
      "Design tokens. Design tokens are named values for colour, spacing, type and motion, such as color-action-primary. Teams use the tokens instead of raw values, so a brand change is made once and reaches every product. Tokens are usually stored as JSON and turned into CSS variables and platform code by a build tool.",
      "Components. A component library implements the patterns of the system, such as buttons, inputs and dialogs, with their states and accessibility built in. Document each component with when to use it, when not to, and live examples. Version the library with semantic versioning so products can upgrade safely.",
    ],
    [
      "Governance. A design system needs owners. A small core team maintains it, and contributors from product teams propose changes through a documented process: a request, a review, then a release. Deprecate old components with a warning and a migration guide before removing them.",
      "Measuring adoption. Track how many products use the current version and how many one-off components they still build. Regular office hours and a public changelog help teams trust the system. Adoption grows when using the system is the easiest way to ship.",
    ],
  ],
  "Spanish for Travellers": [
    [
      "Greetings. Say hola for hello, buenos días in the morning, buenas tardes in the afternoon and buenas noches in the evening. Use usted, the formal you, with strangers and older people, and tú with friends. Por favor means please and gracias means thank you; the answer is de nada.",
      "Introducing yourself. Me llamo Ana means my name is Ana, and soy de Canadá means I am from Canada. To ask someone's name, say ¿Cómo se llama usted? When you do not understand, say no entiendo, or ask ¿Puede hablar más despacio? to ask someone to speak more slowly.",
    ],
    [
      "Asking the way. ¿Dónde está la estación? means where is the station. Listen for a la derecha, to the right, a la izquierda, to the left, and todo recto, straight ahead. Cerca means near and lejos means far.",
      "At the restaurant. Ask for the menu with la carta, por favor, and for the bill with la cuenta, por favor. Agua sin gas is still water and agua con gas is sparkling. In an emergency, call 112 anywhere in Spain, and say necesito un médico if you need a doctor.",
    ],
  ],
  "Business English Communication": [
    [
      "Clear emails. Put the purpose of the email in the subject line and the first sentence. Keep one topic per email, use short paragraphs, and end with the action you need and its deadline. 'Could you send the figures by Friday?' is clearer than 'Let me know your thoughts'.",
      "Tone at work. Polite requests in English are often indirect: 'Would you mind reviewing this?' sounds friendlier than 'Review this'. Avoid writing in capital letters, which reads as shouting. Read the email aloud before sending it to catch sentences that sound abrupt.",
    ],
    [
      "Meetings. To give an opinion, say 'In my view' or 'I'd suggest'. To disagree politely, acknowledge first: 'I see your point, but the budget is tight.' To interrupt, say 'Sorry to jump in'. Close a meeting by summarising the decisions and who will do what by when.",
      "Presentations. Start with the message in one sentence, then give three supporting points, then repeat the message at the end. Signpost the structure with phrases like 'First', 'Moving on to' and 'To sum up'. Practise aloud and time yourself; speak more slowly than feels natural.",
    ],
  ],
  "Academic Writing in English": [
    [
      "Thesis statements. A thesis statement states the main claim of the paper in one or two sentences, usually at the end of the introduction. It should be arguable, specific and supported by the evidence that follows. 'Social media affects teenagers' is too vague; say how, for whom and why.",
      "Paragraph structure. Each body paragraph makes one point. Open with a topic sentence, support it with evidence and analysis, and close by linking back to the thesis. Transitions such as 'however', 'moreover' and 'as a result' show how ideas relate.",
    ],
    [
      "Citing sources. Cite every idea, figure or quotation that is not your own, both in the text and in the reference list. Common styles are APA, which puts the author and year in the text, and MLA, which uses the author and page. Quote sparingly; paraphrase in your own words and still cite the source.",
      "Revising. Revise in passes: first the argument and structure, then the paragraphs, then sentences and words. Cut words that add nothing, prefer active verbs, and check that each paragraph supports the thesis. Reading the paper aloud, or leaving it for a day, helps you see it as a reader does.",
    ],
  ],
};
